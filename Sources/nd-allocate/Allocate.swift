import ArgumentParser
import CMalloc
import NDBalance
import NDCLI
import NDFormats
import NDModel

extension AllocationAlgorithm: ExpressibleByArgument {}

@main
struct Allocate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-allocate",
        abstract: "Distribute cells over ranks x model-building cycles by memory.",
        discussion: """
            Reads nd-estimate's JSON-lines (a file or stdin) or a neurodamus \
            cell_memory_usage.json (--cell-memory-usage), and writes the allocation: \
            allocation_rR_cC.pkl.gz (a gzip'd pickle of {population: {(rank, cycle): [gids]}}, \
            loadable by pickle.load(gzip.open(f)) with the standard library, as neurodamus \
            reads it) and JSON-lines on stdout or -o (one object per bucket and population: \
            population, rank, cycle, gids, kb). The balance (per bucket and per rank: max, mean, \
            min, stdev, max/mean, the lower bound) goes to stderr. --from reads an allocation \
            pickle (neurodamus's too) and prints its JSON-lines and balance.

            Algorithms: neurodamus (DryRunStats.distribute_cells exactly), lpt (each cell, \
            largest first, to the least-loaded bucket, all populations together), refine \
            (lpt, then moves and swaps between the fullest and emptiest buckets).

            Examples:
              nd-estimate CONFIG | nd-allocate --ranks 8 --cycles 2 -o allocation.jsonl
              nd-allocate --ranks 1000 --cycles 4 --algorithm neurodamus --cell-memory-usage cell_memory_usage.json
              nd-allocate --from allocation_r8_c2.pkl.gz estimates.jsonl | jq -c '{rank, cycle, n: (.gids | length)}'
            """)

    @Option(help: "Ranks R.")
    var ranks: Int?

    @Option(help: "Model-building cycles C.")
    var cycles: Int = 1

    @Option(help: "neurodamus, lpt or refine.")
    var algorithm: AllocationAlgorithm = .refine

    @Flag(help: "Balance each population separately (as neurodamus does) in lpt and refine.")
    var perPopulation = false

    @Option(help: "Read neurodamus's cell_memory_usage.json instead of estimates.")
    var cellMemoryUsage: String?

    @Option(help: "Read this allocation pickle (.pkl.gz) instead of allocating.")
    var from: String?

    @Option(name: .shortAndLong, help: "Write the JSON-lines here instead of stdout.")
    var output: String?

    @Option(help: "Folder for allocation_rR_cC.pkl.gz.")
    var outputDir: String = "."

    @Flag(help: "Allow more buckets than cells (some stay empty).")
    var allowEmpty = false

    @Option(help: "Time budget of refine's improvement pass [s].")
    var timeBudget: Double = 5

    @Argument(help: "nd-estimate's JSON-lines (- or nothing for stdin).")
    var estimates: String?

    func validate() throws {
        if from == nil {
            guard let r = ranks, r >= 1 else { throw ValidationError("--ranks R (at least 1) is required.") }
        }
        guard cycles >= 1 else { throw ValidationError("--cycles must be at least 1.") }
        if let r = ranks, BucketGrid.boundedProduct(r, cycles) == nil {
            throw ValidationError("--ranks x --cycles must be at most \(BucketGrid.maxCount) buckets, got \(r) x \(cycles).")
        }
    }

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-allocate")
        try diagnostics.run {
            let started = monotonicSeconds()
            // Columns of millions of cells grow and are dropped: keep freed memory in the
            // heap for the next ones (up to glibc's 32 MB limit for mmap'd blocks) instead
            // of mapping and faulting in fresh pages each time — a third of the system time.
            mallopt(M_MMAP_THRESHOLD, 32 << 20)
            mallopt(M_TRIM_THRESHOLD, Int32.max)
            // The JSON-lines file is opened first, so that an output that cannot be written
            // is said before the work, not after it.
            let sink: ByteSink = try output.map { try AtomicFile($0, protecting: [estimates, cellMemoryUsage, from].compactMap { $0 }) } ?? StandardOutput()
            let problem: AllocationProblem
            if let usagePath = cellMemoryUsage {
                let usage = try CellMemoryUsage(contentsOf: usagePath)
                guard !usage.populationMetypeNodeIDs.isEmpty else {
                    throw NDError(file: usagePath, "no pop_metype_gids: this file has metype memories only (run nd-estimate)")
                }
                problem = try AllocationProblem(
                    usage: usage.metypeMemoryKiB.keys.sorted().map { ($0, usage.metypeMemoryKiB[$0]!) },
                    synapseAverage: usage.metypeSynapseAverage,
                    populationMetypeNodeIDs: usage.populationMetypeNodeIDs.keys.sorted().map { pop in
                        (pop, usage.populationMetypeNodeIDs[pop]!.keys.sorted().map { ($0, usage.populationMetypeNodeIDs[pop]![$0]!) })
                    })
            } else if from == nil || estimates != nil {
                problem = AllocationProblem(estimates: try EstimatesJSONLines.read(estimates ?? "-"))
            } else {
                problem = AllocationProblem(cells: CellTable(), metypeMemoryKiB: [], metypeSynapseAverage: [:])
            }
            let parsed = monotonicSeconds()

            let groups: AllocationGroups
            let stats: AllocationStatistics
            if let path = from {
                let allocation = try AllocationPickle.read(path)
                let memory = Dictionary((0..<problem.cells.count).map { (problem.cells.ref($0), problem.kib[$0]) },
                                        uniquingKeysWith: { a, _ in a })
                groups = AllocationGroups(allocation, known: problem.populations, memory: memory)
                stats = AllocationStatistics(allocation, memory: memory)
            } else {
                let r = ranks!, c = cycles
                guard r * c <= problem.cells.count || allowEmpty else {
                    throw NDError("\(r) ranks x \(c) cycles = \(r * c) buckets for \(problem.cells.count) cells: some would stay empty (use --allow-empty, or fewer ranks or cycles)")
                }
                let allocation: CellAllocation
                switch algorithm {
                case .neurodamus: allocation = Allocators.neurodamus(problem, ranks: r, cycles: c)
                case .lpt: allocation = Allocators.lpt(problem, ranks: r, cycles: c, perPopulation: perPopulation)
                case .refine: allocation = Allocators.refine(problem, ranks: r, cycles: c, perPopulation: perPopulation,
                                                             timeBudgetSeconds: timeBudget, clock: monotonicSeconds)
                }
                groups = AllocationGroups(ranks: r, cycles: c, cells: problem.cells, buckets: allocation.buckets, kib: problem.kib)
                stats = AllocationStatistics(allocation, kib: problem.kib)
            }
            let allocated = monotonicSeconds()

            // Outputs: the pickle and the JSON-lines together (reading a pickle: the JSON-lines only).
            func commit() throws {
                if let file = sink as? AtomicFile { try file.commit() }
                if let out = sink as? StandardOutput { try out.flush() }
            }
            if from == nil {
                try makeDirectories(outputDir)
                try AllocationFiles.write(groups, pickleFolder: outputDir, jsonLines: sink, commit: commit)
            } else {
                try AllocationJSONLines.write(groups, to: sink)
                try commit()
            }
            let written = monotonicSeconds()

            // The balance, on stderr.
            if stats.emptyBuckets > 0 {
                diagnostics.warning("\(stats.emptyBuckets) of \(groups.buckets.count) buckets got no cell; consider fewer ranks or cycles")
            }
            if problem.cells.count > 0 {
                func line(_ name: String, _ s: LoadSummary, _ bound: Double) -> String {
                    "  \(name) n=\(s.count) max \(mib(s.max)) mean \(mib(s.mean)) min \(mib(s.min)) stdev \(mib(s.stdev)) MiB"
                        + "  max/mean \(cFormat("%.4f", s.maxOverMean))  lower bound \(mib(bound)) MiB, max/bound \(cFormat("%.4f", bound > 0 ? s.max / bound : 0))\n"
                }
                StandardError.write("nd-allocate: \(from == nil ? algorithm.rawValue : "from \(from!)"): \(problem.cells.count) cells, "
                    + "\(groups.ranks) ranks x \(groups.cycles) cycles (parse \(cFormat("%.2f", parsed - started)) s, "
                    + "allocate \(cFormat("%.2f", allocated - parsed)) s, write \(cFormat("%.2f", written - allocated)) s)\n"
                    + line("buckets", stats.bucketSummary, stats.bucketLowerBound) + line("ranks  ", stats.rankSummary, stats.rankLowerBound))
            }
        }
    }
}

func mib(_ kib: Double) -> String { cFormat("%.2f", kib / 1024) }

#if canImport(Glibc)
import Glibc
#endif

