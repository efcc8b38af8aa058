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
        try d.checkArea(block, layout: layout)
        let n = layout.variables.count
        for k in 0..<block.count {
            let tau = block.data[k * n], e = block.data[k * n + 1]
            guard tau.isFinite, tau > 0, e.isFinite else { throw d.fail("ExpSyn instance \(k): tau \(tau) ms, e \(e) mV: expected tau > 0") }
            model.expSyn.node.append(block.nodeIndices![k]); model.expSyn.tauMs.append(tau); model.expSyn.eMV.append(e)
        }
    }
}
