import Foundation
import NDBuild
import NDEngine
import NDFormats
import NDModel
import Testing

/// The mechanism table against NEURON 9.0.2's own list, and a model through the dataset
/// format and back.
@Suite struct DatasetTests {
    @Test func everyLayoutIsNeuronsOwn() throws {
        let catalog = NeuronBuiltins.catalog()
        // neurodamus's mechanisms are checked against its own datasets (NeurodamusDatasetTests),
        // VecStim (vecevent.mod) against the mechanism list of a build that has it.
        let neurodamus: Set = ["ProbAMPANMDA_EMS", "ProbGABAAB_EMS", "CoreNEURONArtificialCell", "VecStim"]
        let vecevent = try MechanismCatalog(parsing: Array(try String(contentsOfFile: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("NDFormatsTests/Fixtures/coreneuron/tiny_vecstim/bbcore_mech.dat").path,
            encoding: .utf8).utf8), name: "tiny_vecstim/bbcore_mech.dat")
        try VecStim.layout.check(against: try #require(vecevent.entry(named: "VecStim")), file: "tiny_vecstim/bbcore_mech.dat")
        for m in MechanismTable.all where !neurodamus.contains(m.layout.name) {
            let entry = try #require(catalog.entry(named: m.layout.name), "\(m.layout.name) is not a NEURON built-in")
            try m.layout.check(against: entry, file: "bbcore_mech.dat")
        }
        // A build with other mod files (a different hh) is refused by name and size.
        var other = try #require(catalog.entry(named: "hh"))
        other.dataSize = 19
        other.arrayDims = [Int](repeating: 1, count: 19)
        let refused = #expect(throws: NDError.self) { try HH.layout.check(against: other, file: "x") }
        #expect(refused?.kind == .unsupported)
    }

    /// The single cell with an ExpSyn, an Exp2Syn, a clamp, a pulse train and a NetStim.
    static func model() -> ModelGroup {
        var g = SingleCellTests.group(withClamp: true)
        let dend = Int32(SingleCellTests.dendriteCenter(5, of: g)), soma = g.cells.somaNode[0]
        g.expSyn.node = [dend]; g.expSyn.tauMs = [2]; g.expSyn.eMV = [0]
        g.exp2Syn.node = [soma]; g.exp2Syn.tau1Ms = [1]; g.exp2Syn.tau2Ms = [8.3]; g.exp2Syn.eMV = [-80]
        g.iClamp.node.append(dend); g.iClamp.delayMs.append(50); g.iClamp.durationMs.append(30)
        g.iClamp.ampStartNA.append(0.2); g.iClamp.ampEndNA.append(0.2); g.iClamp.widthMs.append(2); g.iClamp.periodMs.append(10)
        g.netStim.gid = [-5]; g.netStim.startMs = [12]; g.netStim.intervalMs = [7]; g.netStim.number = [4]
        for (source, target, weight) in [(Int64(-5), Int32(0), 0.01), (-5, 1, 0.02), (0, 0, 0.001)] {
            g.netCons.sourceGid.append(source); g.netCons.target.append(target)
            g.netCons.weightUS.append(weight); g.netCons.delayMs.append(1.5)
        }
        return g
    }

    func trace(_ groups: [ModelGroup]) -> (v: [Double], spikes: [Spike]) {
        let engine = Engine(groups: groups, settings: SimulationSettings(dtMs: 0.025, tstopMs: 100, celsius: 6.3, vInitMV: -65))
        var v: [Double] = [], spikes: [Spike] = []
        for _ in 0..<4000 {
            engine.step()
            v.append(engine.voltage(node: Int(groups[0].cells.somaNode[0])))
            let s = engine.takeSpikes()
            spikes += s
            engine.receive(s)
        }
        return (v, spikes)
    }

    @Test func aModelThroughTheFilesSimulatesBitForBitAsBefore() throws {
        let model = Self.model()
        let catalog = NeuronBuiltins.catalog()
        let core = try model.coreGroup(id: 7, catalog: catalog, vInitMV: -65, replayGidOffset: 1000)
        let read = try CoreGroup(id: 7, phase1: core.phase1(), phase2: core.phase2(), catalog: catalog, names: ("7_1.dat", "7_2.dat"))
        #expect(read == core)
        // Pulses are written one clamp each: 3 pulses of the train plus the constant clamp.
        #expect(read.mechanisms.first { $0.type == catalog.type(named: "IClamp") }?.count == 4)
        let back = try ModelGroup(dataset: read, catalog: catalog, file: "7_2.dat", localKeyBase: -(1 << 32))
        #expect(back.nodes.count == model.nodes.count)
        #expect(back.hh.gnabar == model.hh.gnabar && back.hh.ena == model.hh.ena)
        let before = trace([model]), after = trace([back])
        #expect(before.spikes.count >= 3)
        #expect(before.spikes == after.spikes)
        // The soma is node 1 before (after the root) and node 1 after (the roots come first).
        #expect(before.v == after.v)
    }

    @Test func unknownMechanismsAreNamed() throws {
        let catalog = NeuronBuiltins.catalog()
        var core = try Self.model().coreGroup(id: 1, catalog: catalog, vInitMV: -65, replayGidOffset: 1000)
        let vclamp = try #require(catalog.type(named: "SEClamp"))
        core.mechanisms.append(CoreGroup.Mechanism(type: vclamp, count: 1, nodeIndices: [1], data: [Double](repeating: 0, count: 14), pdata: [1, 0]))
        #expect(ModelGroup.unknownMechanisms(in: [core], catalog: catalog) == ["SEClamp"])
        let error = #expect(throws: NDError.self) { try ModelGroup(dataset: core, catalog: catalog, file: "1_2.dat", localKeyBase: -(1 << 32)) }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("SEClamp") == true)
    }

    /// A presyn naming an artificial cell the group does not have is an error, not a trap.
    @Test func aSpikeSourceBeyondTheArtificialCellsIsRefused() throws {
        let catalog = NeuronBuiltins.catalog()
        var core = try Self.model().coreGroup(id: 1, catalog: catalog, vInitMV: -65, replayGidOffset: 1000)
        let netStim = Int32(try #require(catalog.type(named: "NetStim")))
        let k = try #require(core.outputNode.firstIndex { $0 == -netStim })  // NetStim 0's code
        core.outputNode[k] = -(netStim + 1000 * 5)  // NetStim 5 of 1
        let error = #expect(throws: NDError.self) { try ModelGroup(dataset: core, catalog: catalog, file: "1_2.dat", localKeyBase: -(1 << 32)) }
        #expect(error?.kind == .outOfRange)
    }

    /// Found by nd-fuzz (coreneuron-dataset, seed 1, input 163): a mechanism's node index
    /// past the nodes reached its decoder, which indexes the nodes with it, before the
    /// group's checks ran (a trap in Capacitance.decode); the reader now refuses it first.
    @Test func aNodeIndexPastTheNodesIsRefusedBeforeTheDecoderSeesIt() throws {
        let catalog = NeuronBuiltins.catalog()
        var core = try Self.model().coreGroup(id: 1, catalog: catalog, vInitMV: -65, replayGidOffset: 1000)
        let capacitance = try #require(catalog.type(named: "capacitance"))
        let k = try #require(core.mechanisms.firstIndex { $0.type == capacitance })
        for bad in [Int32(core.nodeCount), Int32(core.nodeCount + 1000), -1] {
            core.mechanisms[k].nodeIndices![0] = bad
            var loader = DatasetLoader(catalog: catalog, file: "1_2.dat", localKeyBase: -(1 << 32))
            let error = #expect(throws: NDError.self) {
                _ = try CoreGroup(id: 1, phase1: ByteSource(core.phase1()), phase2: ByteSource(core.phase2()), catalog: catalog,
                                  names: ("1_1.dat", "1_2.dat")) { block, g in try loader.mechanism(&block, in: g) }
            }
            #expect(error?.kind == .outOfRange)
            #expect(error?.description == "1_2.dat: capacitance: node index \(bad) outside the \(core.nodeCount) nodes")
        }
    }

    @Test func aRampIsWrittenAsAPlayedAmplitudeAndReadBack() throws {
        var model = Self.model()
        let dend = Int32(SingleCellTests.dendriteCenter(3, of: model))
        model.iClamp.node.append(dend); model.iClamp.delayMs.append(20); model.iClamp.durationMs.append(40)
        model.iClamp.ampStartNA.append(0.1); model.iClamp.ampEndNA.append(0.6)
        model.iClamp.widthMs.append(0); model.iClamp.periodMs.append(0)
        let catalog = NeuronBuiltins.catalog()
        let core = try model.coreGroup(id: 3, catalog: catalog, vInitMV: -65, replayGidOffset: 1000)
        #expect(core.vecPlays.count == 1)
        let play = try #require(core.vecPlays.first)
        #expect(play.mechanismType == catalog.type(named: "IClamp"))
        #expect(play.times == [20, 60] && play.values == [0.1, 0.6])
        #expect(play.index % IClamp.layout.variables.count == IClamp.layout.column("amp"))
        let back = try ModelGroup(dataset: core, catalog: catalog, file: "3_2.dat", localKeyBase: -(1 << 32))
        #expect(back.iClamp.plays.count == 1)
        #expect(back.iClamp.plays.values.first == ModelGroup.Play(timesMs: [20, 60], values: [0.1, 0.6]))
        // Written again, the same bytes.
        let again = try back.coreGroup(id: 3, catalog: catalog, vInitMV: -65, replayGidOffset: 1000)
        #expect(again.phase2() == core.phase2())
    }
}
