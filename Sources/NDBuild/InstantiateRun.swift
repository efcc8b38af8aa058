import NDComm
import NDEngine
import NDFormats
import NDModel
import NDSonata

/// What nd-instantiate does on every process, apart from its command line: the plan (the
/// model builder, the allocation, each bucket's entry id) made by every process alike;
/// this process's buckets built and written; then on rank 0, once every bucket is on
/// disk, the folder's own files with files.dat last.
///
/// A failure while planning or building stops every process together
/// (`stopAllIfAnyFailed`: each throws, the failing ones their own error), so that none is
/// left waiting in a collective; rank 0's failure after the gathering is its alone.
public struct InstantiateRun {
    public let comm: Communicator

    public init(comm: Communicator) {
        self.comm = comm
    }

    /// The dataset written, as rank 0 reports it.
    public struct Outcome {
        /// OUTPUT_PATH/coreneuron_input.
        public let folder: String
        public let grid: BucketGrid
        /// Cells over every bucket.
        public let cells: Int
        /// Every process's buckets, in bucket order.
        public let buckets: [BuiltBucket]
    }

    /// Builds the model of `simulationConfig` bucket by bucket and writes it to
    /// OUTPUT_PATH/coreneuron_input. The buckets are `allocation`'s (nd-allocate's
    /// JSON-lines or an allocation pickle, whose grid `ranks` and `cycles` must match when
    /// given), or else round-robin over `ranks` (default: the processes) × `cycles`
    /// (default 1). Process p builds the buckets of ranks r with r mod processes = p.
    /// Rank 0 alone hears `warn` and `progress` (told its number of buckets; returns what
    /// to call after each and at the end) and gets the outcome; the others get nil.
    public func run(simulationConfig: String, outputPath: String, allocation: String?, ranks: Int?, cycles: Int?,
                    warn: @escaping (String) -> Void,
                    progress: (Int) -> (advance: () -> Void, finish: () -> Void)) throws -> Outcome? {
        let rank0 = comm.rank == 0
        var planned: Plan? = nil
        var failure: Error? = nil
        do {
            planned = try Plan(simulationConfig: simulationConfig, allocationFile: allocation, ranks: ranks, cycles: cycles,
                               processes: comm.size, warn: { if rank0 { warn($0) } })
        } catch { failure = error }
        try stopAllIfAnyFailed(comm, failure)
        let plan = planned!

        let folder = PathUtil.join(outputPath, "coreneuron_input")
        let writer = DatasetWriter(folder: folder, replayGidOffset: plan.builder.endOfGids, mechanisms: plan.mechanisms)
        var mine: [BuiltBucket] = []
        do {
            // files.dat goes first and comes back last: a rerun that fails or is killed
            // half-way leaves no dataset, never old groups mixed with new ones.
            if rank0 { try makeDirectories(folder); try removeTree(PathUtil.join(folder, "files.dat")) }
            try comm.barrier()
            let buckets = plan.allocation.buckets.indices.filter { plan.allocation.grid.rank(ofBucket: $0) % comm.size == comm.rank }
            let bar = rank0 ? progress(buckets.count) : (advance: {}, finish: {})
            defer { bar.finish() }
            for b in buckets {
                defer { bar.advance() }
                mine.append(try plan.build(b, writer: writer))
            }
        } catch { failure = error }
        try stopAllIfAnyFailed(comm, failure)

        let gathered = try comm.allGatherVariable(mine)
        guard rank0 else { return nil }
        let all = gathered.sorted { $0.bucket < $1.bucket }
        try plan.finish(all, writer: writer)
        return Outcome(folder: folder, grid: plan.allocation.grid, cells: plan.allocation.buckets.reduce(0) { $0 + $1.count }, buckets: all)
    }

    /// What every process works from: the builder, the synapse mechanisms of the
    /// dataset (found from the edge files: a bad one stops every process here), the
    /// allocation checked against the simulated cells, and each bucket's entry id — the
    /// smallest gid of its cells, or for an empty bucket a gid past every cell's, one per
    /// bucket.
    struct Plan {
        let builder: ModelBuilder
        let mechanisms: [any MechanismWithGlobals.Type]
        let allocation: Allocation
        let entries: [Int64]

        init(simulationConfig: String, allocationFile: String?, ranks: Int?, cycles: Int?, processes: Int,
             warn: @escaping (String) -> Void) throws {
            builder = try ModelBuilder(simulationConfig: simulationConfig, warn: warn)
            let cells = try builder.simulatedCells()
            mechanisms = try builder.synapseMechanisms()
            if let path = allocationFile {
                allocation = path.hasSuffix(".pkl.gz") ? try AllocationPickle.read(path) : try AllocationJSONLines.read(path)
                if let r = ranks, r != allocation.ranks { throw NDError(.inconsistent, file: path, "the allocation has \(allocation.ranks) ranks, --ranks says \(r)") }
                if let c = cycles, c != allocation.cycles {
                    throw NDError(.inconsistent, file: path, "the allocation has \(allocation.cycles) cycles, --modelbuilding-steps says \(c)")
                }
            } else {
                allocation = Allocation.roundRobin(cells, ranks: ranks ?? processes, cycles: cycles ?? 1)
            }
            try allocation.checkCovers(cells, source: allocationFile ?? simulationConfig)
            let (allocation, builder) = (allocation, builder)
            entries = allocation.buckets.indices.map { b in
                allocation.cells(inBucket: b).map { builder.gid(of: $0).rawValue }.min() ?? builder.endOfGids + Int64(b)
            }
        }

        /// Builds bucket `b` and writes its two files.
        func build(_ b: Int, writer: DatasetWriter) throws -> BuiltBucket {
            var seconds = PhaseSeconds()
            let group = try builder.build(entry: entries[b], cells: allocation.cells(inBucket: b), seconds: &seconds)
            let files = try writer.write(group, id: entries[b], simulation: builder.simulation, seconds: &seconds)
            return BuiltBucket(
                bucket: b, entry: entries[b], rank: allocation.grid.rank(ofBucket: b), cycle: allocation.grid.cycle(ofBucket: b),
                cells: group.cells.count, compartments: group.nodes.compartmentCount, synapses: group.synapseCount,
                crc1: files[0].crc, size1: files[0].size, crc2: files[1].crc, size2: files[1].size, seconds: seconds)
        }

        /// The folder's own files once every bucket is on disk: `built` (every bucket, in
        /// bucket order) gives the checksums; files.dat lists cycle 0's entries rank by
        /// rank, then cycle 1's, and so on.
        func finish(_ built: [BuiltBucket], writer: DatasetWriter) throws {
            let checksums = CoreDataset.checksumText(built.flatMap { [("\($0.entry)_1.dat", $0.crc1, $0.size1), ("\($0.entry)_2.dat", $0.crc2, $0.size2)] })
            // `entries` is in bucket order, which is files.dat's (`BucketGrid`).
            try writer.finish(simulation: builder.simulation, replay: builder.replayedSpikes, order: entries, cycles: allocation.cycles,
                              checksums: checksums,
                              populationsOffset: NeurodamusGids.populationsOffsetText(offsets: builder.gidOffsets, virtual: builder.virtualPopulations))
        }
    }
}
