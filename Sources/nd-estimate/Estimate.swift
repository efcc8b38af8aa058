#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import NDBalance
import NDCLI
import NDFormats
import NDModel
import NDEngine
import NDBuild
import NDSonata

@main
struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-estimate",
        abstract: "Dry run: predict memory per cell, per rank and per node before anything is booked.",
        discussion: """
            Groups the simulated cells by metype per population, measures each metype by \
            building up to 50 of its cells in the engine and reading its byte account, counts \
            every cell's afferent synapses from the edge indices (--sample: neurodamus's \
            sampling), and prints one JSON-line per cell on stdout (the input of nd-allocate). \
            The tables (per metype, per synapse type, totals, suggested nodes and ranks) go to \
            stderr; --json prints the totals there as one object instead. Reuses \
            cell_memory_usage.json (neurodamus's schema; --cell-memory-usage, or the one in \
            --output-dir) and writes the updated one and memory_per_metype.json in --output-dir.

            Examples:
              nd-estimate examples/circuit/simulation_config.json > estimates.jsonl
              nd-estimate CONFIG --num-target-ranks 4 --node-memory 256G --ranks-per-node 64 \\
                  | jq -s 'group_by(.metype) | map({m: .[0].metype, kb: (map(.total_kb) | add)})'
            """)

    @Argument(help: "The SONATA simulation_config.json.")
    var simulationConfig: String

    @Option(help: "Reuse this cell_memory_usage.json (default: OUTPUT_DIR/cell_memory_usage.json); the updated one goes to OUTPUT_DIR, the file given is never rewritten.")
    var cellMemoryUsage: String?

    @Option(help: "Ranks the allocation will target (default: the suggested nodes x ranks per node).")
    var numTargetRanks: Int?

    @Option(help: "Model-building cycles (reported; memory per rank divides by ranks only).")
    var modelbuildingSteps: Int = 1

    @Option(help: "Memory of one node, e.g. 256G or 512000M (default: this machine's).")
    var nodeMemory: String?

    @Option(help: "Ranks per node (default: this machine's cores).")
    var ranksPerNode: Int?

    @Option(help: "Folder for cell_memory_usage.json and memory_per_metype.json.")
    var outputDir: String = "."

    @Flag(help: "Sample synapse counts (neurodamus's blocks) instead of counting them all.")
    var sample = false

    @Flag(help: "Print the totals as one JSON object on stderr instead of the tables.")
    var json = false

    @OptionGroup var reporting: ReportingOptions

    func validate() throws {
        if let r = numTargetRanks, r < 1 { throw ValidationError("--num-target-ranks must be at least 1.") }
        if let r = ranksPerNode, r < 1 { throw ValidationError("--ranks-per-node must be at least 1.") }
        guard modelbuildingSteps >= 1 else { throw ValidationError("--modelbuilding-steps must be at least 1.") }
        if BucketGrid.boundedProduct(numTargetRanks ?? 1, modelbuildingSteps) == nil || (ranksPerNode ?? 1) > BucketGrid.maxCount {
            throw ValidationError("--num-target-ranks x --modelbuilding-steps and --ranks-per-node must be at most \(BucketGrid.maxCount).")
        }
        if let m = nodeMemory, parseSize(m) == nil { throw ValidationError("--node-memory: expected a size such as 256G, got '\(m)'.") }
    }

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-estimate", verbose: reporting.verbose)
        try diagnostics.run {
            let builder = try ModelBuilder(simulationConfig: simulationConfig) { diagnostics.warning($0) }
            let usagePath = cellMemoryUsage ?? PathUtil.join(outputDir, "cell_memory_usage.json")
            let metypeFile = PathUtil.join(outputDir, "memory_per_metype.json")
            var bar: ProgressBar? = nil
            let run = try DryRun(builder: builder, usage: fileExists(usagePath) ? try CellMemoryUsage(contentsOf: usagePath) : CellMemoryUsage(),
                                 coreNeuronKiB: try DryRun.previousCoreNeuronKiB(metypeFile), sample: sample) { [progress = reporting.progress] n in
                bar = ProgressBar("measure \(n) metypes", total: n, force: progress)
                return { bar?.advance() }
            }
            bar?.finish()

            // Per-cell estimates on stdout, then the two files (the usage file given is never rewritten).
            let out = StandardOutput()
            let writer = JSONLinesWriter(out)
            let estimates = run.cells.indices.map { run.estimate($0) }
            for e in estimates { try writer.write(EstimatesJSONLines.record(e)) }
            try out.flush()
            try makeDirectories(outputDir)
            try AtomicFile.write(try run.usage.encoded(), to: PathUtil.join(outputDir, "cell_memory_usage.json"))
            try AtomicFile.write(Array(try JSONCodec.encodePretty(.object(run.memoryPerMetype(estimates)), indent: 4, sortKeys: true).utf8),
                                 to: metypeFile)

            let report = EstimateReport(
                metypes: run.metypeNames.map { m in
                    .init(name: m, kibPerCell: run.usage.metypeMemoryKiB[m]!, cells: run.cellsOfMetype[m]!.count, rssKiBPerCell: run.rssKiBPerCell[m])
                },
                synapseKinds: run.synapsesByKind.keys.sorted().map { ($0, run.synapsesByKind[$0]!, run.synapseKiBByKind[$0]!) },
                estimates: estimates, datasetSynapseBytes: run.datasetSynapseBytes, modelbuildingSteps: modelbuildingSteps,
                targetRanks: numTargetRanks, nodeMemoryBytes: try nodeMemory.map { try parseSizeOrThrow($0) } ?? machineMemory(),
                ranksPerNode: ranksPerNode ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
                coreNeuronBytes: { run.coreNeuronModelBytes(ranks: $0, cycles: modelbuildingSteps) })
            StandardError.write(json ? try report.json() : report.tables())
        }
    }
}

/// `256G`, `512000M`, `1T`, `1048576` (bytes) → bytes.
func parseSize(_ text: String) -> Double? {
    let units: [Character: Double] = ["K": 1024, "M": 1048576, "G": 1073741824, "T": 1099511627776]
    var t = text.uppercased()
    if t.hasSuffix("B") || t.hasSuffix("IB") { t = String(t.dropLast(t.hasSuffix("IB") ? 2 : 1)) }
    if let last = t.last, let factor = units[last] { return Double(t.dropLast()).map { $0 * factor } }
    return Double(t)
}

func parseSizeOrThrow(_ text: String) throws -> Double {
    guard let x = parseSize(text), x > 0 else { throw NDError(.usage, "--node-memory: expected a size such as 256G, got '\(text)'") }
    return x
}

/// This machine's memory [bytes].
func machineMemory() -> Double {
    Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
}


