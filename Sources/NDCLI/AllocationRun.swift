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
                throw NDError(.notFound, file: path, "no pop_metype_gids: this file has metype memories only (run nd-estimate)")
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

    /// Cells over R × C buckets by `algorithm`, with their memory, and the balance.
    public static func allocate(_ problem: AllocationProblem, ranks: Int, cycles: Int, algorithm: AllocationAlgorithm,
                                perPopulation: Bool, allowEmpty: Bool, timeBudget: Double) throws -> (Allocation, AllocationStatistics) {
        guard ranks * cycles <= problem.cells.count || allowEmpty else {
            throw NDError(.usage, "\(ranks) ranks x \(cycles) cycles = \(ranks * cycles) buckets for \(problem.cells.count) cells: some would stay empty (use --allow-empty, or fewer ranks or cycles)")
        }
        let allocation: Allocation
        switch algorithm {
        case .neurodamus: allocation = Allocators.neurodamus(problem, ranks: ranks, cycles: cycles)
        case .lpt: allocation = Allocators.lpt(problem, ranks: ranks, cycles: cycles, perPopulation: perPopulation)
        case .refine: allocation = Allocators.refine(problem, ranks: ranks, cycles: cycles, perPopulation: perPopulation,
                                                     timeBudgetSeconds: timeBudget, clock: monotonicSeconds)
        }
        return (allocation, AllocationStatistics(allocation))
    }

    /// An allocation pickle (neurodamus's too), with the memory of the cells `problem` knows
    /// (0 for the others; unknown when it knows none), its populations listed first.
    public static func read(pickle path: String, problem: AllocationProblem) throws -> (Allocation, AllocationStatistics) {
        var allocation = try AllocationPickle.read(path).listingPopulations(first: problem.populations)
        guard problem.cells.count > 0 else { return (allocation, AllocationStatistics(allocation)) }
        // By population index and node id: a dictionary per population of this allocation.
        var memory = [[Int64: Double]](repeating: [:], count: allocation.populations.count)
        let index = Dictionary(allocation.populations.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let cells = problem.cells
        for i in 0..<cells.count {
            guard let p = index[cells.populations[Int(cells.population[i])]] else { continue }
            if memory[p][cells.nodeID[i]] == nil { memory[p][cells.nodeID[i]] = problem.kib[i] }
        }
        allocation.kib = zip(allocation.population, allocation.nodeID).map { memory[Int($0)][$1] ?? 0 }
        // The bound's largest cell is the problem's largest, allocated or not.
        return (allocation, AllocationStatistics(allocation, largestCellKiB: problem.kib.max() ?? 0))
    }

    /// The balance report for stderr: what ran on how many cells and how long each step
    /// took, then per bucket and per rank max, mean, min, stdev, max/mean and max/bound.
    public static func report(_ what: String, cells: Int, grid: BucketGrid, stats: AllocationStatistics,
                              seconds: (parse: Double, allocate: Double, write: Double)) -> String {
        func mib(kib: Double) -> String { cFormat("%.2f", kib / 1024) }
        func line(_ name: String, _ s: LoadSummary, _ bound: Double) -> String {
            "  \(name) n=\(s.count) max \(mib(kib: s.max)) mean \(mib(kib: s.mean)) min \(mib(kib: s.min)) stdev \(mib(kib: s.stdev)) MiB"
                + "  max/mean \(cFormat("%.4f", s.maxOverMean))  lower bound \(mib(kib: bound)) MiB, max/bound \(cFormat("%.4f", bound > 0 ? s.max / bound : 0))\n"
        }
        return "nd-allocate: \(what): \(cells) cells, \(grid.ranks) ranks x \(grid.cycles) cycles (parse \(cFormat("%.2f", seconds.parse)) s, "
            + "allocate \(cFormat("%.2f", seconds.allocate)) s, write \(cFormat("%.2f", seconds.write)) s)\n"
            + line("buckets", stats.bucketSummary, stats.bucketLowerBound) + line("ranks  ", stats.rankSummary, stats.rankLowerBound)
    }
}
