/// Cells as columns — population, node id, metype, memory — so that ten million cells are
/// a few arrays rather than ten million objects. Population and metype names are held
/// once; each cell stores their indices.
public struct CellTable: Sendable {
    /// Population names, in the order first added.
    public var populations: [String] { populationNames.names }
    /// Metype names, in the order first added.
    public var metypes: [String] { metypeNames.names }
    public private(set) var population: [Int32] = []
    /// 0-based node id within the population.
    public private(set) var nodeID: [Int64] = []
    public private(set) var metype: [Int32] = []
    /// The cell without synapses [KiB].
    public private(set) var cellKiB: [Double] = []
    /// Afferent synapses (exact, or the metype's mean).
    public private(set) var synapses: [Double] = []
    /// Its synapses and their connections [KiB].
    public private(set) var synapseKiB: [Double] = []

    private var populationNames = NameTable()
    private var metypeNames = NameTable()

    public init() {}

    public var count: Int { nodeID.count }

    public mutating func reserveCapacity(_ n: Int) {
        population.reserveCapacity(n); nodeID.reserveCapacity(n); metype.reserveCapacity(n)
        cellKiB.reserveCapacity(n); synapses.reserveCapacity(n); synapseKiB.reserveCapacity(n)
    }

    /// The index of population `name`, added if new.
    public mutating func population(_ name: String) -> Int32 { populationNames.id(name) }

    /// The index of metype `name`, added if new.
    public mutating func metype(_ name: String) -> Int32 { metypeNames.id(name) }

    /// Adds a cell; `population` and `metype` are indices from `population(_:)` and `metype(_:)`.
    public mutating func append(population: Int32, nodeID: Int64, metype: Int32, cellKiB: Double, synapses: Double, synapseKiB: Double) {
        self.population.append(population); self.nodeID.append(nodeID); self.metype.append(metype)
        self.cellKiB.append(cellKiB); self.synapses.append(synapses); self.synapseKiB.append(synapseKiB)
    }

    /// Adds cells that differ only in their node ids (a metype of a population, as
    /// cell_memory_usage.json lists them), a column at a time.
    public mutating func append(population: Int32, nodeIDs: [Int], metype: Int32, cellKiB: Double, synapses: Double, synapseKiB: Double) {
        let n = nodeIDs.count
        self.population.append(contentsOf: repeatElement(population, count: n))
        self.nodeID.append(contentsOf: nodeIDs.lazy.map { Int64($0) })
        self.metype.append(contentsOf: repeatElement(metype, count: n))
        self.cellKiB.append(contentsOf: repeatElement(cellKiB, count: n))
        self.synapses.append(contentsOf: repeatElement(synapses, count: n))
        self.synapseKiB.append(contentsOf: repeatElement(synapseKiB, count: n))
    }

    /// Appends every cell of `other`, its population and metype names mapped to this
    /// table's (added if new, in `other`'s order): the tables of consecutive parts of a
    /// file, read at the same time, joined in file order.
    public mutating func append(contentsOf other: CellTable) {
        let populationMap = other.populations.map { population($0) }
        let metypeMap = other.metypes.map { metype($0) }
        self.population.append(contentsOf: other.population.lazy.map { populationMap[Int($0)] })
        self.metype.append(contentsOf: other.metype.lazy.map { metypeMap[Int($0)] })
        nodeID.append(contentsOf: other.nodeID)
        cellKiB.append(contentsOf: other.cellKiB)
        synapses.append(contentsOf: other.synapses)
        synapseKiB.append(contentsOf: other.synapseKiB)
    }

    public func ref(_ i: Int) -> CellRef { CellRef(population: populations[Int(population[i])], node: NodeID(Int(nodeID[i]))) }

    public func estimate(_ i: Int) -> CellEstimate {
        CellEstimate(population: populations[Int(population[i])], node: NodeID(Int(nodeID[i])), metype: metypes[Int(metype[i])],
                     cellKiB: cellKiB[i], synapses: synapses[i], synapseKiB: synapseKiB[i])
    }

    /// The first cell whose population and node id an earlier cell has, with that
    /// earlier cell: (earlier, again), indices. O(n) (`SeenIDs`, one per population).
    public func firstRepeated() -> (earlier: Int, again: Int)? {
        var largest = [Int64](repeating: -1, count: populations.count), counts = [Int](repeating: 0, count: populations.count)
        for i in 0..<count {
            let p = Int(population[i])
            largest[p] = max(largest[p], nodeID[i])
            counts[p] += 1
        }
        var seen = populations.indices.map { SeenIDs(largest: largest[$0], count: counts[$0]) }
        guard let again = (0..<count).first(where: { !seen[Int(population[$0])].insert(nodeID[$0]) }) else { return nil }
        let earlier = (0..<again).first { population[$0] == population[again] && nodeID[$0] == nodeID[again] }!
        return (earlier, again)
    }

    /// The cell with its synapses [KiB].
    public func totalKiB(_ i: Int) -> Double { cellKiB[i] + synapseKiB[i] }
}
