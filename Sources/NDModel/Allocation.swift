/// A cell of a circuit: its population and 0-based node id there.
public struct CellRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var population: String
    public var nodeID: Int

    public init(population: String, nodeID: Int) { self.population = population; self.nodeID = nodeID }

    public static func < (a: CellRef, b: CellRef) -> Bool {
        a.population < b.population || (a.population == b.population && a.nodeID < b.nodeID)
    }

    public var description: String { "\(population)[\(nodeID)]" }
}

/// Cells per (rank, cycle) bucket: the allocation nd-allocate writes and nd-instantiate
/// builds from.
public struct Allocation: Equatable, Sendable {
    public var ranks: Int
    public var cycles: Int
    /// Cells of each bucket (`BucketGrid`'s order), in assignment order.
    public var buckets: [[CellRef]]

    public init(ranks: Int, cycles: Int, buckets: [[CellRef]]) {
        self.ranks = ranks
        self.cycles = cycles
        self.buckets = buckets
    }

    public var grid: BucketGrid { BucketGrid(ranks: ranks, cycles: cycles) }

    /// Bucket index of (rank, cycle).
    public func index(rank: Int, cycle: Int) -> Int { grid.index(rank: rank, cycle: cycle) }

    /// NEURON's round-robin: cell `i` of `cells` to bucket `i mod (R·C)`, i.e. rank
    /// `b mod R`, cycle `b div R`.
    public static func roundRobin(_ cells: [CellRef], ranks: Int, cycles: Int) -> Allocation {
        let n = ranks * cycles
        var buckets = [[CellRef]](repeating: [], count: n)
        for (i, cell) in cells.enumerated() { buckets[i % n].append(cell) }
        return Allocation(ranks: ranks, cycles: cycles, buckets: buckets)
    }

    /// Throws unless every cell of `cells` is in exactly one bucket and no other cell is.
    public func checkCovers(_ cells: [CellRef], source: String) throws {
        var seen: [CellRef: Int] = [:]
        for bucket in buckets { for cell in bucket { seen[cell, default: 0] += 1 } }
        let expected = Set(cells)
        let missing = cells.filter { seen[$0] == nil }
        let repeated = seen.filter { $0.value > 1 }.keys.sorted()
        let unknown = seen.keys.filter { !expected.contains($0) }.sorted()
        guard missing.isEmpty && repeated.isEmpty && unknown.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("\(missing.count) cells missing (first: \(missing.prefix(3).map(\.description).joined(separator: ", ")))") }
            if !repeated.isEmpty { parts.append("\(repeated.count) cells in more than one bucket (first: \(repeated.prefix(3).map(\.description).joined(separator: ", ")))") }
            if !unknown.isEmpty { parts.append("\(unknown.count) cells not simulated (first: \(unknown.prefix(3).map(\.description).joined(separator: ", ")))") }
            throw NDError(file: source, "the allocation must hold every simulated cell exactly once: " + parts.joined(separator: "; "))
        }
    }
}
