import NDModel

/// An ion at a node (NEURON's built-in `na_ion`, `k_ion`): reversal, inner and outer
/// concentrations, current and its slope. Present wherever a mechanism uses the ion;
/// hh reads the reversal through its pdata.
protocol Ion: Mechanism {
    static var ion: String { get }
    /// NEURON's defaults: inner and outer concentrations [mM].
    static var concentrations: (inside: Double, outside: Double) { get }
    /// The reversal at the model's hh instances.
    static func reversal(_ model: ModelGroup) -> [Double]
}

extension Ion {
    static func ionLayout(_ ion: String) -> MechanismLayout {
        MechanismLayout(name: "\(ion)_ion", kind: .ion,
                        variables: ["e\(ion)", "\(ion)i", "\(ion)o", "i\(ion)", "di\(ion)_dv_"], pdata: [.ionStyle])
    }

    /// The ion's nodes in a model: hh's, the one mechanism here that uses an ion.
    static func nodes(of model: ModelGroup) -> [Int32] { model.hh.node }

    /// Instances at the hh nodes, in the same order as hh's (both go by node).
    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let reversal = reversal(model), c = concentrations, nodes = nodes(of: model)
        try e.add(layout, count: nodes.count, nodes: nodes, row: { [reversal[$0], c.inside, c.outside, 0, 0] },
                  pdata: { _, _ in 8 })
    }

    /// Read through the mechanisms that use the ion.
    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {}
}

public enum NaIon: Ion {
    public static let layout = ionLayout("na")
    static let ion = "na"
    static let concentrations = (inside: 10.0, outside: 140.0)
    static func reversal(_ model: ModelGroup) -> [Double] { model.hh.ena }
}

public enum KIon: Ion {
    public static let layout = ionLayout("k")
    static let ion = "k"
    static let concentrations = (inside: 54.4, outside: 2.5)
    static func reversal(_ model: ModelGroup) -> [Double] { model.hh.ek }
}
