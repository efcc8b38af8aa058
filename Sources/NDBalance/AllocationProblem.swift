import NDModel

/// What nd-allocate distributes: every cell with its metype and memory, and the metype
/// tables neurodamus's algorithm works from.
public struct AllocationProblem: Sendable {
    public struct Cell: Sendable {
        public var ref: CellRef
        public var metype: String
        /// Exact memory of the cell with its own synapses [KiB].
        public var kib: Double
        public init(ref: CellRef, metype: String, kib: Double) { self.ref = ref; self.metype = metype; self.kib = kib }
    }

    /// Cells in input order.
    public var cells: [Cell]
    /// Populations in input order.
    public var populations: [String]
    /// neurodamus's `metype_memory` [KiB per cell], in file order (sorted keys).
    public var metypeMemoryKiB: [(metype: String, kib: Double)]
    /// neurodamus's `metype_cell_syn_average`.
    public var metypeSynapseAverage: [String: Double]

    /// neurodamus's synapse cost [KiB] (SynapseMemoryUsage: 1.9 per chemical synapse).
    public static let neurodamusSynapseKiB = 1.9

    public init(cells: [Cell], populations: [String], metypeMemoryKiB: [(metype: String, kib: Double)],
                metypeSynapseAverage: [String: Double]) {
        self.cells = cells
        self.populations = populations
        self.metypeMemoryKiB = metypeMemoryKiB
        self.metypeSynapseAverage = metypeSynapseAverage
    }

    /// The problem from per-cell estimates: metype tables as nd-estimate writes them into
    /// cell_memory_usage.json (mean cell memory and mean synapses per metype).
    public init(estimates: [CellEstimate]) {
        var populations: [String] = []
        var sums: [String: (kib: Double, synapses: Double, n: Double)] = [:]
        var cells: [Cell] = []
        for e in estimates {
            if !populations.contains(e.population) { populations.append(e.population) }
            let s = sums[e.metype] ?? (0, 0, 0)
            sums[e.metype] = (s.kib + e.cellKiB, s.synapses + e.synapses, s.n + 1)
            cells.append(Cell(ref: CellRef(population: e.population, nodeID: e.nodeID), metype: e.metype, kib: e.totalKiB))
        }
        self.init(cells: cells, populations: populations,
                  metypeMemoryKiB: sums.keys.sorted().map { ($0, sums[$0]!.kib / sums[$0]!.n) },
                  metypeSynapseAverage: sums.mapValues { $0.synapses / $0.n })
    }

    /// The problem from neurodamus's cell_memory_usage.json alone: every cell of a
    /// metype costs its metype memory plus 1.9 KiB per mean synapse.
    public init(usage metypeMemory: [(metype: String, kib: Double)], synapseAverage: [String: Double],
                populationMetypeNodeIDs: [(population: String, metypes: [(metype: String, nodeIDs: [Int])])]) throws {
        let memory = Dictionary(uniqueKeysWithValues: metypeMemory.map { ($0.metype, $0.kib) })
        var cells: [Cell] = []
        for (pop, metypes) in populationMetypeNodeIDs {
            for (metype, ids) in metypes {
                guard let kib = memory[metype] else {
                    throw NDError("metype '\(metype)' of population '\(pop)' has no metype_memory entry")
                }
                let total = kib + (synapseAverage[metype] ?? 0) * Self.neurodamusSynapseKiB
                for id in ids { cells.append(Cell(ref: CellRef(population: pop, nodeID: id), metype: metype, kib: total)) }
            }
        }
        self.init(cells: cells, populations: populationMetypeNodeIDs.map(\.population),
                  metypeMemoryKiB: metypeMemory, metypeSynapseAverage: synapseAverage)
    }
}
