import NDModel

/// The synapse an afferent edge makes, and what one costs: the rules the model builder and
/// the memory estimator share, said once. The cases are in `MechanismTable.synapses` order
/// (a connection names its target by that position, `rawValue`).
public enum SynapseKind: Int, CaseIterable, Sendable {
    case expSyn, exp2Syn, probAMPANMDA, probGABAAB

    /// The mechanism of the kind.
    public var mechanism: any SynapseMechanism.Type {
        switch self {
        case .expSyn: ExpSyn.self
        case .exp2Syn: Exp2Syn.self
        case .probAMPANMDA: ProbAMPANMDA.self
        case .probGABAAB: ProbGABAAB.self
        }
    }

    /// The mechanism's name in a dataset (`ExpSyn`, `ProbAMPANMDA_EMS`, ...).
    public var name: String { mechanism.layout.name }

    /// A synapse in the engine and the connection into it [bytes] (`MemoryAccount`).
    public var engineBytes: Int { mechanism.engineBytesPerInstance + MemoryAccount.bytesPerConnection }
    /// A synapse in CoreNEURON and the NetCon into it [bytes] (`CoreNeuronAccount`).
    public var coreNeuronBytes: Int { CoreNeuronAccount.synapseBytes(mechanism.layout) }
    /// A synapse and its connection in the dataset's phase files [bytes].
    public var datasetBytes: Int { CoreNeuronAccount.datasetBytes(mechanism) }

    // MARK: Which kind an edge makes

    /// A `syn_type_id` of 100 or more is excitatory (BBP circuits); below, inhibitory.
    public static func isExcitatory(synTypeID: Int64) -> Bool { synTypeID >= 100 }

    /// An edge of a population with stochastic-release columns: ProbAMPANMDA_EMS when
    /// excitatory, else ProbGABAAB_EMS (neurodamus's choice).
    public static func release(synTypeID: Int64) -> SynapseKind {
        isExcitatory(synTypeID: synTypeID) ? .probAMPANMDA : .probGABAAB
    }

    /// An edge's decay [ms] for the simple synapses: its decay_time, 2 ms when not > 0.
    public static func decayMs(decayTime: Double) -> Double { decayTime > 0 ? decayTime : 2 }

    /// An edge of a population without release columns: an Exp2Syn when it rises
    /// (0 < rise_time < decay), else an ExpSyn. `decayMs` as `decayMs(decayTime:)` gives it.
    public static func simple(riseMs: Double, decayMs: Double) -> SynapseKind {
        riseMs > 0 && riseMs < decayMs ? .exp2Syn : .expSyn
    }
}

extension MechanismTable {
    /// Event targets, in the order a group numbers its synapses (`SynapseKind`'s).
    public static let synapses: [any SynapseMechanism.Type] = SynapseKind.allCases.map { $0.mechanism }
}
