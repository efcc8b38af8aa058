import Foundation
import NDModel
import NDEngine
import NDBuild
import NDSonata
import Testing

/// ExpSyn and Exp2Syn against NEURON (Fixtures/make-synapse-reference.py).
@Suite struct SynapseTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/synapse-reference.txt").path

    @Test func eventsOnExpSynAndExp2SynAsInNeuron() throws {
        var spikesRef: [Double] = [], voltages: [(Double, Double)] = []
        for line in try String(contentsOfFile: Self.fixture, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.first == "spike" { spikesRef.append(Double(parts[1])!) }
            if parts.first == "v" { voltages.append((Double(parts[1])!, Double(parts[2])!)) }
        }
        var group = SingleCellTests.group(withClamp: false)
        let layout = (dend: Int32(SingleCellTests.dendriteCenter(5, of: group)), soma: group.cells.somaNode[0])
        group.expSyn.node = [layout.dend]; group.expSyn.tauMs = [2]; group.expSyn.eMV = [0]
        group.exp2Syn.node = [layout.soma]; group.exp2Syn.tau1Ms = [1]; group.exp2Syn.tau2Ms = [8.3]; group.exp2Syn.eMV = [-80]
        // Five sources (gids 1001...) each delivering one event with its own weight, 1 ms after its spike.
        let events: [(time: Double, target: Int32, weight: Double)] = [(10, 0, 0.004), (25, 1, 0.01), (26, 1, 0.01), (40, 0, 0.03), (41, 0, 0.004)]
        for (k, e) in events.enumerated() {
            group.netCons.sourceGid.append(1001 + Int64(k)); group.netCons.target.append(e.target)
            group.netCons.weightUS.append(e.weight); group.netCons.delayMs.append(1)
        }
        let engine = Engine(groups: [group], settings: SimulationSettings(dtMs: 0.025, tstopMs: 80, celsius: 6.3, vInitMV: -65))
        engine.receive(events.enumerated().map { Spike(timeMs: $1.time - 1, gid: 1001 + Int64($0)) })
        var spikes: [Double] = [], maxDiff = 0.0, k = 0
        for s in 0...3200 {
            let t = Double(s) * 0.025
            if k < voltages.count && abs(voltages[k].0 - t) < 1e-9 {
                maxDiff = max(maxDiff, abs(voltages[k].1 - engine.voltage(node: Int(layout.soma))))
                k += 1
            }
            if s < 3200 { engine.step() }
            spikes += engine.takeSpikes().map(\.timeMs)
        }
        #expect(k == voltages.count)
        #expect(spikes.count == spikesRef.count && spikesRef.count == 2)
        for (a, b) in zip(spikes, spikesRef) { #expect(abs(a - b) < 1e-6, "spike \(a) ms, NEURON \(b) ms") }
        #expect(maxDiff < 1e-4, "largest soma voltage difference \(maxDiff) mV")
    }
}
