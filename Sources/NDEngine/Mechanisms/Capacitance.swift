import NDModel

/// Membrane capacitance (NEURON's built-in `capacitance`): cm [µF/cm²] on every node
/// with membrane; nodes without it have none.
public enum Capacitance: Mechanism {
    public static let layout = MechanismLayout(name: "capacitance", kind: .density, variables: ["cm", "i_cap"])

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let nodes = model.nodes.cmUFPerCm2.indices.filter { model.nodes.cmUFPerCm2[$0] > 0 }.map { Int32($0) }
        try e.add(layout, count: nodes.count, nodes: nodes) { [model.nodes.cmUFPerCm2[Int(nodes[$0])], 0] }
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        let cm = layout.column("cm")
        for k in 0..<block.count {
            let x = block.data[k * layout.variables.count + cm]
            guard x.isFinite, x > 0 else { throw d.fail(.outOfRange, "capacitance instance \(k): cm \(x), expected > 0") }
            model.nodes.cmUFPerCm2[Int(block.nodeIndices![k])] = x
        }
    }
}
