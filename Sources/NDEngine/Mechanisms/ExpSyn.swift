#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// Exponentially decaying synaptic conductance (NEURON's expsyn.mod): each event adds
/// its weight [µS] to g, which decays with tau [ms]; i = g (v - e).
public enum ExpSyn: Mechanism {
    public static let layout = MechanismLayout(name: "ExpSyn", kind: .pointProcess,
                                               variables: ["tau", "e", "i", "g", "Dg", "v", "_g", "_tsav"],
                                               pdata: [.area, .pointProcess], receiveSize: 1)

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let s = model.expSyn, v = e.vInitMV
        try e.add(layout, count: s.node.count, nodes: s.node) { [s.tauMs[$0], s.eMV[$0], 0, 0, 0, v, 0, -1e20] }
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        model.expSyn.node.reserveCapacity(model.expSyn.node.count + block.count)
        model.expSyn.tauMs.reserveCapacity(model.expSyn.tauMs.count + block.count)
        model.expSyn.eMV.reserveCapacity(model.expSyn.eMV.count + block.count)
        try d.checkArea(block, layout: layout)
        let n = layout.variables.count
        for k in 0..<block.count {
            let tau = block.data[k * n], e = block.data[k * n + 1]
            guard tau.isFinite, tau > 0, e.isFinite else { throw d.fail(.outOfRange, "ExpSyn instance \(k): tau \(tau) ms, e \(e) mV: expected tau > 0") }
            model.expSyn.node.append(block.nodeIndices![k]); model.expSyn.tauMs.append(tau); model.expSyn.eMV.append(e)
        }
    }
}

extension ExpSyn: SynapseMechanism {
    public static func count(in model: ModelGroup) -> Int { model.expSyn.node.count }
    public static func nodes(of model: ModelGroup) -> [Int32] { model.expSyn.node }
    public static func release(_ model: inout ModelGroup) { model.expSyn = .init() }
    /// Node index; e, decay factor, area scale, g.
    public static let engineBytesPerInstance = 4 + 4 * 8

    public static func kernel(_ c: KernelContext) -> (any MechanismKernel)? {
        let node = c.nodes { nodes(of: $0) }
        guard !node.isEmpty else { return nil }
        return Kernel(node: node, e: c.gather { $0.expSyn.eMV }, tau: c.gather { $0.expSyn.tauMs }, area: c.area, dt: c.settings.dtMs)
    }

    final class Kernel: MechanismKernel {
        let node: [Int32], e: [Double], decay: [Double], scale: [Double]
        var g: [Double]
        init(node: [Int32], e: [Double], tau: [Double], area: [Double], dt: Double) {
            self.node = node; self.e = e
            decay = tau.map { 1 - exp(dt * (-1.0 / $0)) }
            // Point currents in nA enter the node's row per 100 µm² (the area in µm²).
            scale = node.map { 1e2 / area[Int($0)] }
            g = [Double](repeating: 0, count: node.count)
        }
        var count: Int { node.count }

        func initialize(v: UnsafePointer<Double>) { for k in g.indices { g[k] = 0 } }

        func receive(_ instance: Int, weight: Double, t: Double) { g[instance] += weight }

        func current(t: Double, v: UnsafePointer<Double>, rhs: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>) {
            node.withUnsafeBufferPointer { node in
            g.withUnsafeBufferPointer { g in
            e.withUnsafeBufferPointer { e in
            scale.withUnsafeBufferPointer { scale in
                for k in 0..<node.count where g[k] != 0 {
                    let i = Int(node[k])
                    rhs[i] -= g[k] * (v[i] - e[k]) * scale[k]
                    d[i] += g[k] * scale[k]
                }
            }}}}
        }

        func advance(v: UnsafePointer<Double>) {
            g.withUnsafeMutableBufferPointer { g in
            decay.withUnsafeBufferPointer { decay in
                for k in 0..<g.count where g[k] != 0 { g[k] += decay[k] * (-g[k]) }
            }}
        }
    }
}
