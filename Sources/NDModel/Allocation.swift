/// A cell of a circuit: its population and 0-based node id there.
public struct CellRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var population: String
    /// The node id, typed (`GidOffsets` makes a gid of it; `.rawValue` indexes node columns).
    public var node: NodeID

    public init(population: String, node: NodeID) { self.population = population; self.node = node }

    public static func < (a: CellRef, b: CellRef) -> Bool {
        a.population < b.population || (a.population == b.population && a.node < b.node)
    }

    public var description: String { "\(population)[\(node)]" }
}

/// Cells per (rank, cycle) bucket: what nd-allocate computes and writes, what
/// nd-instantiate reads and builds from. The one allocation type: the allocators fill it,
/// the pickle and the JSON-lines are written from it and read back into it, the balance
/// statistics are computed from it.
///
/// Cells are columns, as in `CellTable` (ten million cells are a few arrays, not ten
/// million strings), and buckets hold indices into them: an allocation made from a
/// `CellTable` shares the table's columns, copying nothing.
public struct Allocation: Sendable {
    /// R ranks × C cycles; `buckets` is in its order.
    public var grid: BucketGrid
    /// Population names, indexed by `population`. May name populations with no cell
    /// (an empty bucket's JSON-lines line names the first).
    public var populations: [String]
    /// Per cell: its population's index in `populations`.
    public var population: [Int32]
    /// Per cell: its 0-based node id within the population.
    public var nodeID: [Int64]
    /// Per cell: its memory with its synapses [KiB], when known (the JSON-lines write it
    /// beside the gids; the balance statistics sum it).
    public var kib: [Double]?
    /// Cell indices of each bucket (`grid`'s order), in assignment order.
    public var buckets: [[Int]]

    public init(grid: BucketGrid, populations: [String], population: [Int32], nodeID: [Int64], kib: [Double]?, buckets: [[Int]]) {
        self.grid = grid
        self.populations = populations
        self.population = population
        self.nodeID = nodeID
        self.kib = kib
        self.buckets = buckets
    }

    /// Buckets of indices into `cells` (sharing its columns).
    public init(grid: BucketGrid, cells: CellTable, kib: [Double]?, buckets: [[Int]]) {
        self.init(grid: grid, populations: cells.populations, population: cells.population, nodeID: cells.nodeID,
                  kib: kib, buckets: buckets)
    }

    /// Buckets of cells by name; memory unknown.
    public init(grid: BucketGrid, buckets: [[CellRef]]) {
        var cells = Cells()
        let indices = buckets.map { bucket in
            bucket.map { ref in
                let p = cells.index(ref.population)
                return cells.add(population: p, nodeID: Int64(ref.node.rawValue))
            }
        }
        self = cells.allocation(grid: grid, buckets: indices)
    }

    public var ranks: Int { grid.ranks }
    public var cycles: Int { grid.cycles }
    /// Bucket index of (rank, cycle), as the grid says.
    public func index(rank: Int, cycle: Int) -> Int { grid.index(rank: rank, cycle: cycle) }
    /// Number of cells.
    public var cellCount: Int { nodeID.count }

    public func ref(_ i: Int) -> CellRef { CellRef(population: populations[Int(population[i])], node: NodeID(Int(nodeID[i]))) }

    /// The cells of bucket `b` by name, in assignment order.
    public func cells(inBucket b: Int) -> [CellRef] { buckets[b].map(ref) }

    /// NEURON's round-robin: cell `i` of `cells` to bucket `i mod (R·C)`, i.e. rank
    /// `b mod R`, cycle `b div R`.
    public static func roundRobin(_ cells: [CellRef], ranks: Int, cycles: Int) -> Allocation {
        let grid = BucketGrid(ranks: ranks, cycles: cycles)
        var buckets = [[CellRef]](repeating: [], count: grid.count)
        for (i, cell) in cells.enumerated() { buckets[i % grid.count].append(cell) }
        return Allocation(grid: grid, buckets: buckets)
    }

    /// The same allocation with the populations `first` listed first (whether or not they
    /// have cells), then the others in the order met bucket by bucket; names with no cell
    /// that are not in `first` are dropped. The order the files list a bucket's
    /// populations in.
    public func listingPopulations(first: [String]) -> Allocation {
        var names = first
        var index = Dictionary(first.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var map = [Int32?](repeating: nil, count: populations.count)
        for (p, name) in populations.enumerated() { map[p] = index[name] }
        if map.contains(where: { $0 == nil }) {
            for bucket in buckets {
                for i in bucket where map[Int(population[i])] == nil {
                    let p = Int(population[i])
                    map[p] = Int32(names.count)
                    index[populations[p]] = Int32(names.count)
                    names.append(populations[p])
                }
            }
        }
        var result = self
        result.populations = names
        if map.enumerated().contains(where: { $0.element != Int32($0.offset) }) {
            // Cells in no bucket keep an index of 0: they are in no view of the allocation.
            result.population = population.map { map[Int($0)] ?? 0 }
        }
        return result
    }

    /// Throws unless every cell of `cells` is in exactly one bucket and no other cell is.
    public func checkCovers(_ cells: [CellRef], source: String) throws {
        var seen: [CellRef: Int] = [:]
        for bucket in buckets { for i in bucket { seen[ref(i), default: 0] += 1 } }
        let expected = Set(cells)
        let missing = cells.filter { seen[$0] == nil }
        let repeated = seen.filter { $0.value > 1 }.keys.sorted()
        let unknown = seen.keys.filter { !expected.contains($0) }.sorted()
        guard missing.isEmpty && repeated.isEmpty && unknown.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("\(missing.count) cells missing (first: \(missing.prefix(3).map(\.description).joined(separator: ", ")))") }
            if !repeated.isEmpty { parts.append("\(repeated.count) cells in more than one bucket (first: \(repeated.prefix(3).map(\.description).joined(separator: ", ")))") }
            if !unknown.isEmpty { parts.append("\(unknown.count) cells not simulated (first: \(unknown.prefix(3).map(\.description).joined(separator: ", ")))") }
            throw NDError(.inconsistent, file: source, "the allocation must hold every simulated cell exactly once: " + parts.joined(separator: "; "))
        }
    }

    /// Cell columns as a reader fills them: population names held once.
    public struct Cells: Sendable {
        public var populations: [String] { names.names }
        public private(set) var population: [Int32] = []
        public private(set) var nodeID: [Int64] = []
        private var names = NameTable()

        public init() {}

        /// The index of population `name`, added if new.
        public mutating func index(_ name: String) -> Int32 { names.id(name) }

        /// Adds a cell; returns its index.
        public mutating func add(population p: Int32, nodeID id: Int64) -> Int {
            population.append(p)
            nodeID.append(id)
            return nodeID.count - 1
        }

        /// The allocation of these cells over `buckets` (indices from `add`); memory unknown.
        public func allocation(grid: BucketGrid, buckets: [[Int]]) -> Allocation {
            Allocation(grid: grid, populations: populations, population: population, nodeID: nodeID, kib: nil, buckets: buckets)
        }
    }
}

extension Allocation: Equatable {
    /// The same grid, the same cells in each bucket in the same order, the same memory
    /// for each (however the cells are numbered and the populations listed).
    public static func == (a: Allocation, b: Allocation) -> Bool {
        guard a.grid == b.grid, a.buckets.count == b.buckets.count, (a.kib == nil) == (b.kib == nil) else { return false }
        for (x, y) in zip(a.buckets, b.buckets) {
            guard x.count == y.count else { return false }
            for (i, j) in zip(x, y) {
                guard a.nodeID[i] == b.nodeID[j], a.populations[Int(a.population[i])] == b.populations[Int(b.population[j])],
                      a.kib?[i] == b.kib?[j] else { return false }
            }
        }
        return true
    }
}
