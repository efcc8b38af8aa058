import NDBuild
import NDEngine
import NDFormats
import NDModel
import Testing

/// neurodamus's synapse rules (NDBuild's NeurodamusSynapses) and the two stochastic
/// synapses through the dataset format.
@Suite struct NeurodamusSynapsesTests {
    /// Randomised GABA_A rise times against NEURON 9.0.2's Random123 lognormal (the
    /// values its `repick()` gave for the ringtest's streams, global index 1122).
    @Test func gabaRiseTimesAsNeuronDrawsThem() {
        let rules = NeurodamusSynapses(dtMs: 0.1, randomSeed: 1122, randomizeGABARiseTime: true)
        #expect(rules.riseTime(id1: 251, id2: 100, id3: 450) == 1.6157394982063897)
        #expect(rules.riseTime(id1: 252, id2: 100, id3: 87885567) == 0.045744671080094335)
        #expect(rules.riseTime(id1: 251, id2: 100, id3: 87885567) == 0.02048296364035247)
        #expect(rules.riseTime(id1: 1251, id2: 100, id3: 69273059) == 0.04380875577668053)
    }

    @Test func delaysRoundDownToTheStep() {
        let rules = NeurodamusSynapses(dtMs: 0.025, randomSeed: 0)
        #expect(rules.delay(1.0) == 40 * 0.025)
        #expect(rules.delay(1.01) == 40 * 0.025)
        #expect(rules.delay(0.9999999) == 40 * 0.025)  // within neurodamus's 1e-5 steps
    }

    /// A cell with one synapse of each kind, written and read back: the same model.
    @Test func stochasticSynapsesThroughTheDataset() throws {
        var g = SingleCellTests.group(withClamp: true)
        let soma = g.cells.somaNode[0], dend = Int32(SingleCellTests.dendriteCenter(5, of: g))
        g.probAMPANMDA.node = [dend]; g.probAMPANMDA.tauDecayAMPAMs = [1.7]; g.probAMPANMDA.use = [0.5]
        g.probAMPANMDA.depressionMs = [670]; g.probAMPANMDA.facilitationMs = [17]; g.probAMPANMDA.mgMM = [1]
        g.probAMPANMDA.u0 = [0]; g.probAMPANMDA.nrrp = [2]; g.probAMPANMDA.synapseID = [3]; g.probAMPANMDA.nmdaRatio = [0.71]
        g.probAMPANMDA.conductanceUS = [1.5]; g.probAMPANMDA.stream = [.init(id1: 252, id2: 103, id3: 9)]
        g.probGABAAB.node = [soma]; g.probGABAAB.tauRiseGABAAMs = [0.2]; g.probGABAAB.tauDecayGABAAMs = [8.3]
        g.probGABAAB.use = [0.25]; g.probGABAAB.depressionMs = [700]; g.probGABAAB.facilitationMs = [20]
        g.probGABAAB.eGABAAMV = [-80]; g.probGABAAB.eGABABMV = [-97]; g.probGABAAB.u0 = [0]; g.probGABAAB.nrrp = [1]
        g.probGABAAB.synapseID = [0]; g.probGABAAB.gababRatio = [0]; g.probGABAAB.conductanceUS = [2]
        g.probGABAAB.stream = [.init(id1: 252, id2: 100, id3: 9)]
        g.netCons.sourceGid = [-7, -7]; g.netCons.target = [0, 1]; g.netCons.weightUS = [1.5, 2]; g.netCons.delayMs = [1, 2]
        g.netStim.gid = [-7]; g.netStim.startMs = [5]; g.netStim.intervalMs = [10]; g.netStim.number = [3]
        let catalog = NeuronBuiltins.catalog().adding([ProbAMPANMDA.layout, ProbGABAAB.layout])
        let core = try g.coreGroup(id: 4, catalog: catalog, vInitMV: -65, replayGidOffset: 1000)
        #expect(core.corePointers.map(\.ints.count) == [7, 7])
        let back = try ModelGroup(dataset: try CoreGroup(id: 4, phase1: core.phase1(), phase2: core.phase2(), catalog: catalog, names: ("4_1.dat", "4_2.dat")),
                                  catalog: catalog, file: "4_2.dat", localKeyBase: -(1 << 32))
        #expect(back.probAMPANMDA == g.probAMPANMDA)
        #expect(back.probGABAAB == g.probGABAAB)
        #expect(back.netCons.weightUS == g.netCons.weightUS)
    }

    /// nd-estimate's bytes per synapse (CoreNeuronAccount.datasetBytes) are what the phase
    /// files grow by for one more synapse and its connection, for each synapse kind.
    @Test(arguments: ["ExpSyn", "Exp2Syn", "ProbAMPANMDA_EMS", "ProbGABAAB_EMS"])
    func datasetBytesPerSynapseAreThePhaseFiles(kind: String) throws {
        let catalog = NeuronBuiltins.catalog().adding([ProbAMPANMDA.layout, ProbGABAAB.layout])
        let m = try #require(MechanismTable.synapses.first { $0.layout.name == kind })
        func size(synapses n: Int) throws -> Int {
            var g = SingleCellTests.group(withClamp: false)
            let soma = g.cells.somaNode[0]
            for k in 0..<n {
                switch kind {
                case "ExpSyn": g.expSyn.node.append(soma); g.expSyn.tauMs.append(2); g.expSyn.eMV.append(0)
                case "Exp2Syn": g.exp2Syn.node.append(soma); g.exp2Syn.tau1Ms.append(1); g.exp2Syn.tau2Ms.append(5); g.exp2Syn.eMV.append(0)
                case "ProbAMPANMDA_EMS":
                    var s = g.probAMPANMDA
                    s.node.append(soma); s.tauDecayAMPAMs.append(1.7); s.use.append(0.5); s.depressionMs.append(600)
                    s.facilitationMs.append(10); s.mgMM.append(1); s.u0.append(0); s.nrrp.append(2); s.synapseID.append(Double(k))
                    s.nmdaRatio.append(0.71); s.conductanceUS.append(1); s.stream.append(.init(id1: 251, id2: UInt32(100 + k), id3: 300))
                    g.probAMPANMDA = s
                default:
                    var s = g.probGABAAB
                    s.node.append(soma); s.tauRiseGABAAMs.append(0.2); s.tauDecayGABAAMs.append(8); s.use.append(0.25)
                    s.depressionMs.append(700); s.facilitationMs.append(20); s.eGABAAMV.append(-80); s.eGABABMV.append(-97)
                    s.u0.append(0); s.nrrp.append(1); s.synapseID.append(Double(k)); s.gababRatio.append(0)
                    s.conductanceUS.append(1); s.stream.append(.init(id1: 251, id2: UInt32(100 + k), id3: 300))
                    g.probGABAAB = s
                }
                g.netCons.sourceGid.append(7); g.netCons.target.append(Int32(k)); g.netCons.weightUS.append(1); g.netCons.delayMs.append(1)
            }
            let core = try g.coreGroup(id: 1, catalog: catalog, vInitMV: -65, replayGidOffset: 1000)
            return core.phase1().count + core.phase2().count
        }
        // Per synapse over ten more (a count line gaining a digit adds one byte in all).
        let perSynapse = (try size(synapses: 20) - size(synapses: 10)) / 10
        #expect(perSynapse == CoreNeuronAccount.datasetBytes(m))
    }
}
