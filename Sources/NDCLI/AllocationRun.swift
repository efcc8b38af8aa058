import NDBalance
import NDFormats
import NDModel

/// What nd-allocate reads, computes and reports, apart from its command line: the
/// problem from either input, the allocation (or one read back from a pickle) with its
/// statistics, and the balance report.
public enum AllocationRun {
    /// The cells and metype tables from neurodamus's cell_memory_usage.json, from
    /// estimates JSON-lines (a file or `-`), or none (reading a pickle on its own).
    public static func problem(estimates: String?, cellMemoryUsage: String?) throws -> AllocationProblem {
        if let path = cellMemoryUsage {
            let usage = try CellMemoryUsage(contentsOf: path)
            guard !usage.populationMetypeNodeIDs.isEmpty else {
                throw NDError(file: path, "no pop_metype_gids: this file has metype memories only (run nd-estimate)")
            }
            let ids = usage.populationMetypeNodeIDs
            do {
                return try AllocationProblem(
                    usage: usage.metypeMemoryKiB.keys.sorted().map { ($0, usage.metypeMemoryKiB[$0]!) },
                    synapseAverage: usage.metypeSynapseAverage,
                    populationMetypeNodeIDs: ids.keys.sorted().map { pop in (pop, ids[pop]!.keys.sorted().map { ($0, ids[pop]![$0]!) }) })
            } catch var error as NDError where error.file == nil {
                error.file = path  // (a metype with no metype_memory entry)
                throw error
            }
        }
        if let path = estimates { return AllocationProblem(estimates: try EstimatesJSONLines.read(path)) }
        return AllocationProblem(cells: CellTable(), metypeMemoryKiB: [], metypeSynapseAverage: [:])
    }

    /// Cells over R × C buckets by `algorithm`, as the files hold them, with the balance.
    public static func allocate(_ problem: AllocationProblem, ranks: Int, cycles: Int, algorithm: AllocationAlgorithm,
                                perPopulation: Bool, allowEmpty: Bool, timeBudget: Double) throws -> (AllocationGroups, AllocationStatistics) {
        guard ranks * cycles <= problem.cells.count || allowEmpty else {
            throw NDError("\(ranks) ranks x \(cycles) cycles = \(ranks * cycles) buckets for \(problem.cells.count) cells: some would stay empty (use --allow-empty, or fewer ranks or cycles)")
        }
        let allocation: CellAllocation
        switch algorithm {
        case .neurodamus: allocation = Allocators.neurodamus(problem, ranks: ranks, cycles: cycles)
        case .lpt: allocation = Allocators.lpt(problem, ranks: ranks, cycles: cycles, perPopulation: perPopulation)
        case .refine: allocation = Allocators.refine(problem, ranks: ranks, cycles: cycles, perPopulation: perPopulation,
                                                     timeBudgetSeconds: timeBudget, clock: monotonicSeconds)
        }
        return (AllocationGroups(ranks: ranks, cycles: cycles, cells: problem.cells, buckets: allocation.buckets, kib: problem.kib),
                AllocationStatistics(allocation, kib: problem.kib))
    }

    /// An allocation pickle (neurodamus's too), with the memory of the cells `problem` knows.
    public static func read(pickle path: String, problem: AllocationProblem) throws -> (AllocationGroups, AllocationStatistics) {
        let allocation = try AllocationPickle.read(path)
        let memory = Dictionary((0..<problem.cells.count).map { (problem.cells.ref($0), problem.kib[$0]) }, uniquingKeysWith: { a, _ in a })
        return (AllocationGroups(allocation, known: problem.populations, memory: memory), AllocationStatistics(allocation, memory: memory))
    }

    /// The balance report for stderr: what ran on how many cells and how long each step
    /// took, then per bucket and per rank max, mean, min, stdev, max/mean and max/bound.
    public static func report(_ what: String, cells: Int, grid: BucketGrid, stats: AllocationStatistics,
                              seconds: (parse: Double, allocate: Double, write: Double)) -> String {
        func mib(_ kib: Double) -> String { cFormat("%.2f", kib / 1024) }
        func line(_ name: String, _ s: LoadSummary, _ bound: Double) -> String {
            "  \(name) n=\(s.count) max \(mib(s.max)) mean \(mib(s.mean)) min \(mib(s.min)) stdev \(mib(s.stdev)) MiB"
                + "  max/mean \(cFormat("%.4f", s.maxOverMean))  lower bound \(mib(bound)) MiB, max/bound \(cFormat("%.4f", bound > 0 ? s.max / bound : 0))\n"
        }
        return "nd-allocate: \(what): \(cells) cells, \(grid.ranks) ranks x \(grid.cycles) cycles (parse \(cFormat("%.2f", seconds.parse)) s, "
            + "allocate \(cFormat("%.2f", seconds.allocate)) s, write \(cFormat("%.2f", seconds.write)) s)\n"
            + line("buckets", stats.bucketSummary, stats.bucketLowerBound) + line("ranks  ", stats.rankSummary, stats.rankLowerBound)
    }
}
