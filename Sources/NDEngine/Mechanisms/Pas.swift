import NDModel

/// Passive leak (NEURON's passive.mod): i = g (v - e).
public enum Pas: Mechanism {
    public static let layout = MechanismLayout(name: "pas", kind: .density, variables: ["g", "e", "i", "v", "_g"])

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let p = model.pas, v = e.vInitMV
        try e.add(layout, count: p.node.count, nodes: p.node) { [p.g[$0], p.e[$0], 0, v, 0] }
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        let n = layout.variables.count, g = layout.column("g"), e = layout.column("e")
        for k in 0..<block.count {
            model.pas.node.append(block.nodeIndices![k])
            model.pas.g.append(block.data[k * n + g])
            model.pas.e.append(block.data[k * n + e])
        }
    }
}
