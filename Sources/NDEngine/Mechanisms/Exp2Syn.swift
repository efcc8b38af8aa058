#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// Synaptic conductance with a rise (tau1) and a decay (tau2) [ms] (NEURON's
/// exp2syn.mod): g = B - A, each event adding weight × factor to both, factor making
/// the peak equal to the weight.
public enum Exp2Syn: Mechanism {
    public static let layout = MechanismLayout(name: "Exp2Syn", kind: .pointProcess, variables: [
        "tau1", "tau2", "e", "i", "g", "A", "B", "factor", "DA", "DB", "v", "_g", "_tsav",
    ], pdata: [.area, .pointProcess], receiveSize: 1)

    /// exp2syn.mod's INITIAL: tau1 kept below tau2, the factor that normalises the peak.
    public static func initial(tau1 t1: Double, tau2: Double) -> (tau1: Double, factor: Double) {
        var tau1 = t1
        if tau1 / tau2 > 0.9999 { tau1 = 0.9999 * tau2 }
        if tau1 / tau2 < 1e-9 { tau1 = tau2 * 1e-9 }
        let tp = (tau1 * tau2) / (tau2 - tau1) * log(tau2 / tau1)
        return (tau1, 1 / (-exp(-tp / tau1) + exp(-tp / tau2)))
    }

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let s = model.exp2Syn, v = e.vInitMV
        try e.add(layout, count: s.node.count, nodes: s.node) { k in
            [s.tau1Ms[k], s.tau2Ms[k], s.eMV[k], 0, 0, 0, 0, initial(tau1: s.tau1Ms[k], tau2: s.tau2Ms[k]).factor, 0, 0, v, 0, -1e20]
        }
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        model.exp2Syn.node.reserveCapacity(model.exp2Syn.node.count + block.count)
        model.exp2Syn.tau1Ms.reserveCapacity(model.exp2Syn.tau1Ms.count + block.count)
        model.exp2Syn.tau2Ms.reserveCapacity(model.exp2Syn.tau2Ms.count + block.count)
        model.exp2Syn.eMV.reserveCapacity(model.exp2Syn.eMV.count + block.count)
        try d.checkArea(block, layout: layout)
        let n = layout.variables.count
        for k in 0..<block.count {
            let tau1 = block.data[k * n], tau2 = block.data[k * n + 1], e = block.data[k * n + 2]
            guard tau1.isFinite, tau2.isFinite, tau1 > 0, tau2 > 0, e.isFinite else {
                throw d.fail(.outOfRange, "Exp2Syn instance \(k): tau1 \(tau1), tau2 \(tau2) ms: expected both > 0")
            }
            model.exp2Syn.node.append(block.nodeIndices![k])
            model.exp2Syn.tau1Ms.append(tau1); model.exp2Syn.tau2Ms.append(tau2); model.exp2Syn.eMV.append(e)
        }
    }
}

extension Exp2Syn: SynapseMechanism {
    public static func count(in model: ModelGroup) -> Int { model.exp2Syn.node.count }
    public static func nodes(of model: ModelGroup) -> [Int32] { model.exp2Syn.node }
    public static func release(_ model: inout ModelGroup) { model.exp2Syn = .init() }
    /// Node index; e, factor, two decay factors, area scale, A, B.
    public static let engineBytesPerInstance = 4 + 7 * 8

    public static func kernel(_ c: KernelContext) -> (any MechanismKernel)? {
        let node = c.nodes { nodes(of: $0) }
        guard !node.isEmpty else { return nil }
        return Kernel(node: node, e: c.gather { $0.exp2Syn.eMV }, tau1: c.gather { $0.exp2Syn.tau1Ms },
                      tau2: c.gather { $0.exp2Syn.tau2Ms }, area: c.area, dt: c.settings.dtMs)
    }

    final class Kernel: MechanismKernel {
        let node: [Int32], e: [Double], factor: [Double], decay1: [Double], decay2: [Double], scale: [Double]
        var a: [Double], b: [Double]
        init(node: [Int32], e: [Double], tau1: [Double], tau2: [Double], area: [Double], dt: Double) {
            self.node = node; self.e = e
            let initial = tau1.indices.map { Exp2Syn.initial(tau1: tau1[$0], tau2: tau2[$0]) }
            factor = initial.map(\.factor)
            decay1 = initial.map { 1 - exp(dt * (-1.0 / $0.tau1)) }
            decay2 = tau2.map { 1 - exp(dt * (-1.0 / $0)) }
            scale = node.map { 1e2 / area[Int($0)] }
            a = [Double](repeating: 0, count: node.count)
            b = a
        }
        var count: Int { node.count }

        func initialize(v: UnsafePointer<Double>) { for k in a.indices { a[k] = 0; b[k] = 0 } }

        func receive(_ instance: Int, weight: Double, t: Double) {
            a[instance] += weight * factor[instance]
            b[instance] += weight * factor[instance]
        }

        func current(t: Double, v: UnsafePointer<Double>, rhs: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>) {
            for k in node.indices {
                let g = b[k] - a[k]
                if g == 0 { continue }
                let i = Int(node[k])
                rhs[i] -= g * (v[i] - e[k]) * scale[k]
                d[i] += g * scale[k]
            }
        }

        func advance(v: UnsafePointer<Double>) {
            a.withUnsafeMutableBufferPointer { a in
            b.withUnsafeMutableBufferPointer { b in
            decay1.withUnsafeBufferPointer { d1 in
            decay2.withUnsafeBufferPointer { d2 in
                for k in 0..<a.count {
                    a[k] += d1[k] * (-a[k])
                    b[k] += d2[k] * (-b[k])
                }
            }}}}
        }
    }
}
