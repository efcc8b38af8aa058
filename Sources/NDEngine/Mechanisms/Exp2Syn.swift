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
        try d.checkArea(block, layout: layout)
        let n = layout.variables.count
        for k in 0..<block.count {
            let tau1 = block.data[k * n], tau2 = block.data[k * n + 1], e = block.data[k * n + 2]
            guard tau1.isFinite, tau2.isFinite, tau1 > 0, tau2 > 0, e.isFinite else {
                throw d.fail("Exp2Syn instance \(k): tau1 \(tau1), tau2 \(tau2) ms: expected both > 0")
            }
            model.exp2Syn.node.append(block.nodeIndices![k])
            model.exp2Syn.tau1Ms.append(tau1); model.exp2Syn.tau2Ms.append(tau2); model.exp2Syn.eMV.append(e)
        }
    }
}
