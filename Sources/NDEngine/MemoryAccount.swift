import NDModel

/// The bytes the engine holds for a model, item by item: what nd-core reports as model
/// bytes and what nd-estimate predicts from (per cell, per mechanism, per synapse).
public struct MemoryAccount: Equatable, Sendable {
    /// Per node: v, rhs, d, a, b, capacitance (8 bytes each), the parent index and the
    /// node's place in the engine's order.
    public static let bytesPerNode = 6 * 8 + 4 + 4
    /// Per mechanism instance: what its kernel holds (each mechanism's file says).
    public static var bytesPerInstance: [String: Int] {
        Dictionary(uniqueKeysWithValues: MechanismTable.kernels.map { ($0.layout.name, $0.engineBytesPerInstance) })
    }
    /// Per cell: gid, spike-source node, threshold, crossing flag.
    public static let bytesPerCell = 8 + 4 + 8 + 1
    /// Per connection: target synapse, weight, delay.
    public static let bytesPerConnection = 4 + 8 + 8
    /// Per distinct source gid: the dictionary entry and its array header.
    public static let bytesPerSource = 48

    public var nodes = 0
    /// Bytes per mechanism name (density mechanisms, synapses and clamps).
    public var mechanisms: [String: Int] = [:]
    public var cells = 0
    public var connections = 0

    public var total: Int { nodes + mechanisms.values.reduce(0, +) + cells + connections }

    public init() {}

    /// The account of one group.
    public init(_ g: ModelGroup) {
        nodes = g.nodes.count * Self.bytesPerNode
        for m in MechanismTable.kernels {
            let count = m.nodes(of: g).count
            if count > 0 { mechanisms[m.layout.name] = count * m.engineBytesPerInstance }
        }
        cells = g.cells.count * Self.bytesPerCell
        connections = g.netCons.count * Self.bytesPerConnection + Set(g.netCons.sourceGid).count * Self.bytesPerSource
    }

    /// Adds another account.
    public static func + (a: MemoryAccount, b: MemoryAccount) -> MemoryAccount {
        var r = a
        r.nodes += b.nodes
        r.cells += b.cells
        r.connections += b.connections
        for (k, v) in b.mechanisms { r.mechanisms[k, default: 0] += v }
        return r
    }

    /// Bytes of each cell of `g` (its nodes, the mechanisms, synapses and clamps on them,
    /// the connections into its synapses), in cell order; source entries are not
    /// attributed to cells.
    public static func perCell(_ g: ModelGroup) -> [Int] {
        let owner = cellOfNode(g)
        var bytes = [Int](repeating: bytesPerCell, count: g.cells.count)
        for c in owner where c >= 0 { bytes[c] += bytesPerNode }
        for m in MechanismTable.kernels {
            for node in m.nodes(of: g) where owner[Int(node)] >= 0 { bytes[owner[Int(node)]] += m.engineBytesPerInstance }
        }
        let synapseNodes = MechanismTable.synapses.flatMap { $0.nodes(of: g) }
        for t in g.netCons.target {
            let c = owner[Int(synapseNodes[Int(t)])]
            if c >= 0 { bytes[c] += bytesPerConnection }
        }
        return bytes
    }

    /// The cell of every node (-1 for none): a node belongs to the cell of its root, a
    /// root to the cell whose soma hangs from it.
    public static func cellOfNode(_ g: ModelGroup) -> [Int] {
        var root = [Int32](repeating: 0, count: g.nodes.count)
        for i in 0..<g.nodes.count { let p = g.nodes.parent[i]; root[i] = p < 0 ? Int32(i) : root[Int(p)] }
        var cellOfRoot = [Int](repeating: -1, count: g.nodes.count)
        for c in 0..<g.cells.count { cellOfRoot[Int(root[Int(g.cells.somaNode[c])])] = c }
        return root.map { cellOfRoot[Int($0)] }
    }
}
