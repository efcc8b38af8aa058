import NDModel

/// neurodamus's CoreNEURONArtificialCell: one per rank in every dataset neurodamus
/// writes for CoreNEURON, an artificial cell that never fires (its NET_RECEIVE's
/// `net_event` sits under `if (0)`); it is there so that a rank without cells still has
/// a spike source. nd-core reads it and simulates nothing for it.
public enum CoreNeuronArtificialCell: Mechanism {
    public static let layout = MechanismLayout(name: "CoreNEURONArtificialCell", kind: .artificialCell,
                                               variables: ["v", "_tsav"], pdata: [.area, .pointProcess], receiveSize: 1)

    /// nd-instantiate writes none (its models have no rank without cells).
    public static func encode(_ model: ModelGroup, into encoder: inout DatasetEncoder) throws {}

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {}
}
