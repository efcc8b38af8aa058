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
            let problem = try AllocationRun.problem(estimates: from == nil ? estimates ?? "-" : estimates, cellMemoryUsage: cellMemoryUsage)
            let parsed = monotonicSeconds()
            let (allocation, stats) = try from.map { try AllocationRun.read(pickle: $0, problem: problem) }
                ?? AllocationRun.allocate(problem, ranks: ranks!, cycles: cycles, algorithm: algorithm, perPopulation: perPopulation,
                                          allowEmpty: allowEmpty, timeBudget: timeBudget)
            let allocated = monotonicSeconds()
            try AllocationRun.write(allocation, jsonLines: sink, pickleFolder: from == nil ? outputDir : nil)
            let written = monotonicSeconds()
            if stats.emptyBuckets > 0 {
                diagnostics.warning("\(stats.emptyBuckets) of \(allocation.buckets.count) buckets got no cell; consider fewer ranks or cycles")
            }
            if problem.cells.count > 0 {
                StandardError.write(AllocationRun.report(from.map { "from \($0)" } ?? algorithm.rawValue, cells: problem.cells.count,
                                                         grid: allocation.grid, stats: stats,
                                                         seconds: (parsed - started, allocated - parsed, written - allocated)))
            }
        }
    }
}


#if canImport(Glibc)
import Glibc
#endif

