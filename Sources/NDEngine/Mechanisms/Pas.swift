import NDModel

/// Passive leak (NEURON's passive.mod): i = g (v - e).
public enum Pas: Mechanism {
    public static let layout = MechanismLayout(name: "pas", kind: .density, variables: ["g", "e", "i", "v", "_g"])

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let p = model.pas, v = e.vInitMV
        try e.add(layout, count: p.node.count, nodes: p.node) { [p.g[$0], p.e[$0], 0, v, 0] }
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        model.pas.node.reserveCapacity(model.pas.node.count + block.count)
        model.pas.g.reserveCapacity(model.pas.g.count + block.count)
        model.pas.e.reserveCapacity(model.pas.e.count + block.count)
        let n = layout.variables.count, g = layout.column("g"), e = layout.column("e")
        for k in 0..<block.count {
            model.pas.node.append(block.nodeIndices![k])
            model.pas.g.append(block.data[k * n + g])
            model.pas.e.append(block.data[k * n + e])
        }
    }
}

extension Pas: KernelMechanism {
    public static func nodes(of model: ModelGroup) -> [Int32] { model.pas.node }
    public static func release(_ model: inout ModelGroup) { model.pas = .init() }
    /// Node index; g, e.
    public static let engineBytesPerInstance = 4 + 2 * 8

    public static func kernel(_ c: KernelContext) -> (any MechanismKernel)? {
        let node = c.nodes { nodes(of: $0) }
        return node.isEmpty ? nil : Kernel(node: node, g: c.gather { $0.pas.g }, e: c.gather { $0.pas.e })
    }

    final class Kernel: LeakKernel {
        let node: [Int32], g: [Double], e: [Double]

        func fold(g foldedG: inout [Double], e foldedE: inout [Double]) {
            for k in node.indices { foldedG[Int(node[k])] = g[k]; foldedE[Int(node[k])] = e[k] }
        }
        init(node: [Int32], g: [Double], e: [Double]) { self.node = node; self.g = g; self.e = e }
        var count: Int { node.count }

        func current(t: Double, v: UnsafePointer<Double>, rhs: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>) {
            node.withUnsafeBufferPointer { node in
            g.withUnsafeBufferPointer { g in
            e.withUnsafeBufferPointer { e in
                for k in 0..<node.count {
                    let i = Int(node[k])
                    rhs[i] -= g[k] * (v[i] - e[k])
                    d[i] += g[k]
                }
            }}}
        }
    }
}
