import NDEngine
import Testing

@Suite struct SynapseKindTests {
    @Test func casesAreTheTableOrder() {
        #expect(MechanismTable.synapses.map { $0.layout.name } == SynapseKind.allCases.map(\.name))
        #expect(SynapseKind.allCases.map(\.name) == ["ExpSyn", "Exp2Syn", "ProbAMPANMDA_EMS", "ProbGABAAB_EMS"])
    }

    @Test func simpleSynapsesRiseOnlyBelowTheirDecay() {
        #expect(SynapseKind.simple(riseMs: 0, decayMs: 2) == .expSyn)
        #expect(SynapseKind.simple(riseMs: 1, decayMs: 2) == .exp2Syn)
        #expect(SynapseKind.simple(riseMs: 2, decayMs: 2) == .expSyn)
        #expect(SynapseKind.simple(riseMs: -1, decayMs: 2) == .expSyn)
        // A decay_time that is not > 0 reads as 2 ms, for the builder and the estimator alike.
        #expect(SynapseKind.decayMs(decayTime: 0) == 2)
        #expect(SynapseKind.decayMs(decayTime: -3) == 2)
        #expect(SynapseKind.simple(riseMs: 1, decayMs: SynapseKind.decayMs(decayTime: 0)) == .exp2Syn)
    }

    @Test func releaseSynapsesFollowTheSynapseType() {
        #expect(SynapseKind.release(synTypeID: 100) == .probAMPANMDA)
        #expect(SynapseKind.release(synTypeID: 99) == .probGABAAB)
        #expect(SynapseKind.isExcitatory(synTypeID: 113) && !SynapseKind.isExcitatory(synTypeID: 5))
    }

    @Test func bytesComeFromTheAccounts() {
        for kind in SynapseKind.allCases {
            #expect(kind.engineBytes == kind.mechanism.engineBytesPerInstance + MemoryAccount.bytesPerConnection)
            #expect(kind.coreNeuronBytes == CoreNeuronAccount.synapseBytes(kind.mechanism.layout))
            #expect(kind.datasetBytes == CoreNeuronAccount.datasetBytes(kind.mechanism))
        }
        #expect(SynapseKind.exp2Syn.engineBytes > SynapseKind.expSyn.engineBytes)
    }
}
