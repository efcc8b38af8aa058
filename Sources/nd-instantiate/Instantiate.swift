import ArgumentParser
import NDCLI
import NDComm
import NDFormats
import NDModel
import NDEngine
import NDBuild
import NDSonata

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
        let rank0 = comm.rank == 0
        var plan: (builder: ModelBuilder, allocation: Allocation, entries: [Int64])? = nil
        var localError: Error? = nil
        do {
            let builder = try ModelBuilder(simulationConfig: simulationConfig) { if rank0 { diagnostics.warning($0) } }
            let cells = try builder.simulatedCells()
            let alloc: Allocation
            if lbMode == .Memory, let path = allocation {
                alloc = path.hasSuffix(".pkl.gz") ? try AllocationPickle.read(path) : try AllocationJSONLines.read(path)
                if let r = ranks, r != alloc.ranks { throw NDError(file: path, "the allocation has \(alloc.ranks) ranks, --ranks says \(r)") }
                if let c = modelbuildingSteps, c != alloc.cycles {
                    throw NDError(file: path, "the allocation has \(alloc.cycles) cycles, --modelbuilding-steps says \(c)")
                }
            } else {
                alloc = Allocation.roundRobin(cells, ranks: ranks ?? comm.size, cycles: modelbuildingSteps ?? 1)
            }
            try alloc.checkCovers(cells, source: allocation ?? simulationConfig)
            let entries = alloc.buckets.indices.map { b in
                alloc.cells(inBucket: b).map { builder.gid($0) }.min() ?? builder.endOfGids + Int64(b)
            }
            plan = (builder, alloc, entries)
        } catch { localError = error }
        try stopAllIfAnyFailed(comm, localError, tool: "nd-instantiate")
        let (builder, alloc, entries) = plan!

        let folder = PathUtil.join(outputPath, "coreneuron_input")
        let writer = DatasetWriter(folder: folder, replayGidOffset: builder.endOfGids, mechanisms: try builder.synapseMechanisms())
        var summaries: [BucketSummary] = []
        do {
            // files.dat goes first and comes back last: a rerun that fails or is killed
            // half-way leaves no dataset, never old groups mixed with new ones.
            if rank0 { try makeDirectories(folder); try removeTree(PathUtil.join(folder, "files.dat")) }
            try comm.barrier()
            let mine = alloc.buckets.indices.filter { alloc.grid.rank(ofBucket: $0) % comm.size == comm.rank }
            let bar = ProgressBar("build \(mine.count) buckets", total: rank0 ? mine.count : 0, force: reporting.progress)
            defer { bar.finish() }
            for b in mine {
                defer { bar.advance() }
                var seconds = PhaseSeconds()
                let group = try builder.build(entry: entries[b], cells: alloc.cells(inBucket: b), seconds: &seconds)
                let files = try writer.write(group, id: entries[b], simulation: builder.simulation, seconds: &seconds)
                summaries.append(BucketSummary(
                    bucket: b, cells: group.cells.count, compartments: group.nodes.compartmentCount, synapses: group.synapseCount,
                    crc1: files[0].crc, size1: files[0].size, crc2: files[1].crc, size2: files[1].size, seconds: seconds))
            }
        } catch { localError = error }
        try stopAllIfAnyFailed(comm, localError, tool: "nd-instantiate")

        let all = try comm.allGatherVariable(summaries)
        if rank0 {
            do {
                let rows = all.sorted { $0.bucket < $1.bucket }
                let checksums = CoreDataset.checksumText(rows.flatMap { row in
                    [("\(entries[row.bucket])_1.dat", row.crc1, row.size1), ("\(entries[row.bucket])_2.dat", row.crc2, row.size2)]
                })
                var order: [Int64] = []
                for c in 0..<alloc.cycles { for r in 0..<alloc.ranks { order.append(entries[alloc.index(rank: r, cycle: c)]) } }
                try writer.finish(simulation: builder.simulation, replay: builder.replayedSpikes, order: order,
                                  cycles: alloc.cycles, checksums: checksums,
                                  populationsOffset: NeurodamusGids.populationsOffsetText(offsets: builder.gidOffsets, virtual: builder.virtualPopulations))
                let out = StandardOutput()
                let lines = JSONLinesWriter(out)
                func seconds(_ s: Double) -> JSONValue { .double((s * 1e4).rounded() / 1e4) }
                for row in rows {
                    let b = row.bucket, t = row.seconds
                    try lines.write([
                        "entry": .int(entries[b]), "rank": .int(Int64(alloc.grid.rank(ofBucket: b))), "cycle": .int(Int64(alloc.grid.cycle(ofBucket: b))),
                        "cells": .int(Int64(row.cells)), "compartments": .int(Int64(row.compartments)), "synapses": .int(Int64(row.synapses)),
                        "bytes": .int(Int64(row.size1 + row.size2)),
                        "seconds": .object([
                            "cells": seconds(t.cells), "edges": seconds(t.edges), "synapses": seconds(t.synapses),
                            "write_cells": seconds(t.writeCells), "write_synapses": seconds(t.writeSynapses),
                        ]),
                    ])
                }
                try out.flush()
                diagnostics.info("wrote \(folder): \(alloc.buckets.count) buckets (\(alloc.ranks) ranks x \(alloc.cycles) cycles), \(alloc.buckets.reduce(0) { $0 + $1.count }) cells")
            } catch {
                StandardError.write("nd-instantiate: error: \(error)\n")
                throw ExitCode(1)
            }
        }
    }
}

/// What a process built for one bucket, gathered to rank 0: counts and seconds for the
/// JSON-line, CRC-32 and size of the two group files for the checksum file.
struct BucketSummary: BitwiseCopyable {
    var bucket: Int, cells: Int, compartments: Int, synapses: Int
    var crc1: UInt32, size1: Int, crc2: UInt32, size2: Int
    var seconds: PhaseSeconds
}

#if canImport(Glibc)
import Glibc
#endif
