import Foundation
import NDModel
import NDEngine
import NDBuild
import NDSonata
import Testing

/// The cell of Fixtures/make-single-cell-reference.py against NEURON's own run.
@Suite struct SingleCellTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/single-cell-reference.txt").path

    static func reference() throws -> (spikes: [Double], voltages: [(Double, Double)]) {
        var spikes: [Double] = [], voltages: [(Double, Double)] = []
        for line in try String(contentsOfFile: fixture, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.first == "spike" { spikes.append(Double(parts[1])!) }
            if parts.first == "v" { voltages.append((Double(parts[1])!, Double(parts[2])!)) }
        }
        return (spikes, voltages)
    }

    /// The test cell as a model group, with its 0.3 nA clamp or without.
    static func group(withClamp: Bool) -> ModelGroup {
        let morphology = Morphology(
            path: "", soma: Soma(points: [MorphologyPoint(0, 0, 0, diameter: 20)]),
            sections: [Section(type: .basal, parent: nil,
                               points: [MorphologyPoint(0, 0, 0, diameter: 1), MorphologyPoint(200, 0, 0, diameter: 1)])])
        let hh = MechanismSpec(name: "hh", parameters: [("el", -54.3), ("gkbar", 0.036), ("gl", 0.0003), ("gnabar", 0.12)])
        let pas = MechanismSpec(name: "pas", parameters: [("e", -65), ("g", 0.001)])
        let model = ElectricalModel(template: "test", compartments: .fixedLength(lengthUm: 20), sections: [
            .soma: SectionModel(cmUFPerCm2: 1, raOhmCm: 100, mechanisms: [hh]),
            .basal: SectionModel(cmUFPerCm2: 1, raOhmCm: 100, mechanisms: [pas]),
        ])
        var group = ModelGroup(entry: 0)
        let layout = try! CellBuilder.append(gid: Gid(0), morphology: morphology, model: model, thresholdMV: -30, to: &group)
        if withClamp {
            group.iClamp.node.append(layout.somaNode)
            group.iClamp.delayMs.append(5); group.iClamp.durationMs.append(100)
            group.iClamp.ampStartNA.append(0.3); group.iClamp.ampEndNA.append(0.3)
            group.iClamp.widthMs.append(0); group.iClamp.periodMs.append(0)
        }
        return group
    }

    /// Node of the centre of dendrite segment `k`: nodes are root, soma centre, soma end,
    /// then the dendrite's centres.
    static func dendriteCenter(_ k: Int, of group: ModelGroup) -> Int { 3 + k }

    static func engine() -> (Engine, Int32) {
        let group = group(withClamp: true)
        let settings = SimulationSettings(dtMs: 0.025, tstopMs: 120, celsius: 6.3, vInitMV: -65)
        return (Engine(groups: [group], settings: settings), group.cells.somaNode[0])
    }

    @Test func sameSpikesAsNeuronWithinOneStep() throws {
        let ref = try Self.reference()
        #expect(ref.spikes.count >= 5)
        let (engine, soma) = Self.engine()
        var spikes: [Double] = []
        var maxDiff = 0.0
        var k = 0
        let steps = Int((120 / 0.025).rounded())
        for s in 0...steps {
            let t = Double(s) * 0.025
            if k < ref.voltages.count && abs(ref.voltages[k].0 - t) < 1e-9 {
                maxDiff = max(maxDiff, abs(ref.voltages[k].1 - engine.voltage(node: Int(soma))))
                k += 1
            }
            if s < steps { engine.step() }
            spikes += engine.takeSpikes().map(\.timeMs)
        }
        #expect(spikes.count == ref.spikes.count)
        for (ours, theirs) in zip(spikes, ref.spikes) {
            // The acceptance bound is one dt; the engine does NEURON's arithmetic, so the
            // times are the same steps.
            #expect(abs(ours - theirs) <= 0.025 + 1e-9, "spike at \(ours) ms, NEURON \(theirs) ms")
            #expect(abs(ours - theirs) < 1e-6, "spike at \(ours) ms, NEURON \(theirs) ms")
        }
        #expect(maxDiff < 1e-4, "largest soma voltage difference \(maxDiff) mV")
    }
}
