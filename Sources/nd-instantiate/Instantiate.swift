import ArgumentParser
import NDBuild
import NDCLI
import NDComm
import NDModel

enum LBMode: String, ExpressibleByArgument, CaseIterable {
    case RoundRobin, Memory
}

@main
struct Instantiate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-instantiate",
        abstract: "Build the model of every rank and cycle and write it, without simulating.",
        discussion: """
            Writes DIR/coreneuron_input/, a CoreNEURON dataset (format 1.8, as NEURON 9's \
            nrncore_write writes it): files.dat (cycle by cycle, rank by rank), per bucket \
            <id>_1.dat (spike sources, connections) and <id>_2.dat (nodes, mechanisms, \
            synapses, stimuli), bbcore_mech.dat, globals.dat, sim.conf (for special-core \
            --read-config), replay.dat (replayed spikes, if any) and ndtools-checksums.txt. \
            Entry ids are the smallest gid of the bucket; gids are numbered as neurodamus 4.2.9 \
            numbers them, and DIR/populations_offset.dat says how. RoundRobin gives cell i (population by population, node order) to bucket \
            i mod (R*C): rank b mod R, cycle b div R. Memory builds the buckets of an \
            nd-allocate allocation. Under mpirun each process builds its ranks' buckets; \
            files.dat is written last, once every bucket is on disk. Prints one JSON-line per \
            bucket: entry, rank, cycle, cells, compartments, synapses, bytes, and seconds: \
            where the process's time on it went — cells (compartments, density mechanisms), \
            edges (reading the afferent edges), synapses (synapses and connections from them), \
            write_cells and write_synapses (CoreNEURON's arrays of each part, measured; the \
            files' bytes, writing and checksums split by the bytes of each part).

            Examples:
              nd-instantiate examples/circuit/simulation_config.json --output-path out --ranks 4
              mpirun -np 4 nd-instantiate CONFIG --output-path out --lb-mode Memory \\
                  --allocation allocation.jsonl
            """)

    @Argument(help: "The SONATA simulation_config.json.")
    var simulationConfig: String

    @Option(help: "Output folder; the model goes to OUTPUT_PATH/coreneuron_input.")
    var outputPath: String

    @Option(help: "RoundRobin or Memory (from --allocation).")
    var lbMode: LBMode = .RoundRobin

    @Option(help: "Allocation from nd-allocate (Memory mode): its JSON-lines, or an allocation_rR_cC.pkl.gz (neurodamus's too).")
    var allocation: String?

    @Option(help: "Target ranks R (default: the allocation's, else the number of processes).")
    var ranks: Int?

    @Option(help: "Model-building cycles C (default: the allocation's, else 1).")
    var modelbuildingSteps: Int?

    @OptionGroup var reporting: ReportingOptions

    func validate() throws {
        if lbMode == .Memory && allocation == nil { throw ValidationError("--lb-mode Memory needs --allocation FILE.") }
        if let r = ranks, r < 1 { throw ValidationError("--ranks must be at least 1.") }
        if let c = modelbuildingSteps, c < 1 { throw ValidationError("--modelbuilding-steps must be at least 1.") }
        if BucketGrid.boundedProduct(ranks ?? 1, modelbuildingSteps ?? 1) == nil {
            throw ValidationError("--ranks x --modelbuilding-steps must be at most \(BucketGrid.maxCount) buckets.")
        }
    }

    func run() throws {
        let comm = try makeCommunicator()
        defer { finish(comm) }
        let diagnostics = Diagnostics(tool: "nd-instantiate", verbose: reporting.verbose)
        let instantiate = InstantiateRun(comm: comm)
        try diagnostics.run {
            // Memory mode reads the allocation; round-robin ignores one given.
            guard let outcome = try instantiate.run(
                simulationConfig: simulationConfig, outputPath: outputPath, allocation: lbMode == .Memory ? allocation : nil,
                ranks: ranks, cycles: modelbuildingSteps, warn: { diagnostics.warning($0) },
                progress: { [force = reporting.progress] n in
                    let bar = ProgressBar("build \(n) buckets", total: n, force: force)
                    return ({ bar.advance() }, { bar.finish() })
                })
            else { return }  // rank 0 reports
            let report = InstantiateReport(folder: outcome.folder, grid: outcome.grid, cells: outcome.cells, buckets: outcome.buckets)
            let out = StandardOutput()
            try report.write(to: out)
            try out.flush()
            diagnostics.info(report.summary)
        }
    }
}
