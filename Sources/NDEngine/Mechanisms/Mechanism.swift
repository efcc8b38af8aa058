import NDModel

/// One mechanism of the table: its layout, and how its instances move between the
/// engine's model (`ModelGroup`) and a dataset group (`CoreGroup`). Adding a mechanism is
/// one new file with a type conforming to this, listed in `MechanismTable.all`.
public protocol Mechanism {
    static var layout: MechanismLayout { get }
    /// Appends this mechanism's instances of `model` to the group being written.
    static func encode(_ model: ModelGroup, into encoder: inout DatasetEncoder) throws
    /// Adds the instances of `block` (this mechanism's, in `decoder`'s group) to `model`.
    static func decode(_ block: CoreGroup.Mechanism, from decoder: DatasetDecoder, into model: inout ModelGroup) throws
}

public enum MechanismTable {
    /// Every mechanism nd-core simulates, in the order NEURON lists them in a group.
    public static let all: [any Mechanism.Type] = [
        Capacitance.self, Pas.self, NaIon.self, KIon.self, IClamp.self, ExpSyn.self, Exp2Syn.self, HH.self,
        ProbAMPANMDA.self, ProbGABAAB.self, NetStim.self, VecStim.self, CoreNeuronArtificialCell.self,
    ]

    public static func mechanism(named name: String) -> (any Mechanism.Type)? {
        all.first { $0.layout.name == name }
    }

    /// Mechanisms an electrical model may insert in sections: the density mechanisms the
    /// engine steps (capacitance comes with every compartment, ions with hh).
    public static let densityNames: Set<String> = Set(kernels.map { $0.layout }.filter { $0.kind == .density }.map { $0.name })
}
