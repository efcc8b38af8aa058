import NDModel

/// What nd-allocate distributes: every cell with its metype and memory, and the metype
/// tables neurodamus's algorithm works from.
public struct AllocationProblem: Sendable {
    /// Cells in input order.
    public var cells: CellTable
    /// Exact memory of each cell with its own synapses [KiB].
    public let kib: [Double]
    /// neurodamus's `metype_memory` [KiB per cell], in file order (sorted keys).
    public var metypeMemoryKiB: [(metype: String, kib: Double)]
    /// neurodamus's `metype_cell_syn_average`.
    public var metypeSynapseAverage: [String: Double]

    /// neurodamus's synapse cost [KiB] (SynapseMemoryUsage: 1.9 per chemical synapse).
    public static let neurodamusSynapseKiB = 1.9

    public init(cells: CellTable, metypeMemoryKiB: [(metype: String, kib: Double)], metypeSynapseAverage: [String: Double]) {
        self.cells = cells
        self.kib = zip(cells.cellKiB, cells.synapseKiB).map { $0 + $1 }
        self.metypeMemoryKiB = metypeMemoryKiB
        self.metypeSynapseAverage = metypeSynapseAverage
    }

    /// The problem from per-cell estimates: metype tables as nd-estimate writes them into
    /// cell_memory_usage.json (mean cell memory and mean synapses per metype).
    public init(estimates cells: CellTable) {
        var kib = [Double](repeating: 0, count: cells.metypes.count)
        var synapses = kib, n = kib
        for i in 0..<cells.count {
            let m = Int(cells.metype[i])
            kib[m] += cells.cellKiB[i]; synapses[m] += cells.synapses[i]; n[m] += 1
        }
        let order = cells.metypes.indices.sorted { cells.metypes[$0] < cells.metypes[$1] }
        self.init(cells: cells, metypeMemoryKiB: order.map { (cells.metypes[$0], kib[$0] / n[$0]) },
                  metypeSynapseAverage: Dictionary(uniqueKeysWithValues: order.map { (cells.metypes[$0], synapses[$0] / n[$0]) }))
    }

    /// The problem from neurodamus's cell_memory_usage.json alone: every cell of a
    /// metype costs its metype memory plus 1.9 KiB per mean synapse.
    public init(usage metypeMemory: [(metype: String, kib: Double)], synapseAverage: [String: Double],
                populationMetypeNodeIDs: [(population: String, metypes: [(metype: String, nodeIDs: [Int])])]) throws {
        let memory = Dictionary(uniqueKeysWithValues: metypeMemory.map { ($0.metype, $0.kib) })
        var cells = CellTable()
        cells.reserveCapacity(populationMetypeNodeIDs.reduce(0) { $0 + $1.metypes.reduce(0) { $0 + $1.nodeIDs.count } })
        for (pop, metypes) in populationMetypeNodeIDs {
            let p = cells.population(pop)
            for (metype, ids) in metypes {
                guard let kib = memory[metype] else {
                    throw NDError(.notFound, "metype '\(metype)' of population '\(pop)' has no metype_memory entry")
                }
                let m = cells.metype(metype)
                let synapses = synapseAverage[metype] ?? 0
                cells.append(population: p, nodeIDs: ids, metype: m, cellKiB: kib, synapses: synapses,
                             synapseKiB: synapses * Self.neurodamusSynapseKiB)
            }
        }
        self.init(cells: cells, metypeMemoryKiB: metypeMemory, metypeSynapseAverage: synapseAverage)
    }

    public var populations: [String] { cells.populations }
}
