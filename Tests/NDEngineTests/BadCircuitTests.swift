import Foundation
import NDBuild
import NDModel
import NDSonata
import Testing

/// Bad circuits (issue 14): a copy of the bundled example with one thing broken, built as
/// nd-instantiate and nd-estimate build it. Every one is an error naming the file, never a
/// trap, a huge allocation or a silently different model.
@Suite struct BadCircuitTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/circuit").path

    /// A scratch copy of the example circuit.
    struct Copy {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "nd-bad-circuit-" + UUID().uuidString
            try FileManager.default.copyItem(atPath: BadCircuitTests.example, toPath: path)
        }
        func remove() { try? FileManager.default.removeItem(atPath: path) }
        var config: String { path + "/simulation_config.json" }

        /// Replaces `old` with `new` in a text file of the copy (exactly once).
        func edit(_ name: String, _ old: String, _ new: String, times: Int = 1) throws {
            let text = try String(contentsOfFile: path + "/" + name, encoding: .utf8)
            #expect(text.components(separatedBy: old).count == times + 1, "\(name): '\(old)' not found \(times) times")
            try text.replacingOccurrences(of: old, with: new).write(toFile: path + "/" + name, atomically: false, encoding: .utf8)
        }

        /// Builds every simulated cell, with synapses and stimuli.
        func build() throws {
            let builder = try ModelBuilder(simulationConfig: config)
            _ = try builder.build(entry: 0, cells: try builder.simulatedCells())
        }
    }

    func expectError(_ kind: NDError.Kind, _ copy: Copy, file: String, _ texts: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try copy.build()
            Issue.record("built without an error", sourceLocation: sourceLocation)
        } catch let error as NDError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.file?.hasSuffix(file) == true, "\(error)", sourceLocation: sourceLocation)
            for text in texts { #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func theExampleBuilds() throws {
        let copy = try Copy()
        defer { copy.remove() }
        try copy.build()
    }

    @Test func dLambdaZeroOrTinyIsAnErrorNamingTheModel() throws {
        let copy = try Copy()
        defer { copy.remove() }
        try copy.edit("models/cADpyr.json", "\"d_lambda\": 0.1", "\"d_lambda\": 0")
        expectError(.outOfRange, copy, file: "models/cADpyr.json", "compartments.d_lambda 0.0: expected a finite number in")
        try copy.edit("models/cADpyr.json", "\"d_lambda\": 0", "\"d_lambda\": 1e-9")
        expectError(.outOfRange, copy, file: "models/cADpyr.json", "compartments.d_lambda 1e-09")
    }

    @Test func aRuleAskingForMoreThanNeuronsSegmentsIsAnError() throws {
        let copy = try Copy()
        defer { copy.remove() }
        // In range, but 1e-5 of a length constant asks for hundreds of thousands of segments.
        try copy.edit("models/cADpyr.json", "\"d_lambda\": 0.1", "\"d_lambda\": 1e-5")
        expectError(.outOfRange, copy, file: "models/cADpyr.json", "segments by the model's compartment rule", "NEURON allows at most 32767",
                    "(morphology ", "): section ")
    }

    @Test func modelNumbersOutOfRangeAreErrors() throws {
        let copy = try Copy()
        defer { copy.remove() }
        try copy.edit("models/cADpyr.json", "\"gnabar\": 0.12", "\"gnabar\": 1e308", times: 2)
        expectError(.outOfRange, copy, file: "models/cADpyr.json", "sections.soma.mechanisms.hh.gnabar 1e+308")
    }

    @Test func celsiusAndClampAmplitudesAreChecked() throws {
        let copy = try Copy()
        defer { copy.remove() }
        try copy.edit("simulation_config.json", "\"celsius\": 6.3", "\"celsius\": 1e308")
        expectError(.outOfRange, copy, file: "simulation_config.json", "conditions.celsius 1e+308: expected a finite number in -273.15...1000")
        try copy.edit("simulation_config.json", "\"celsius\": 1e308", "\"celsius\": 6.3")
        try copy.edit("simulation_config.json", "\"amp_start\": 2.807", "\"amp_start\": 1e308")
        expectError(.outOfRange, copy, file: "simulation_config.json", "inputs.stim_L5_TPC.amp_start 1e+308")
        try copy.edit("simulation_config.json", "\"amp_start\": 1e308", "\"amp_start\": 2.807")
        try copy.edit("simulation_config.json", "\"dt\": 0.025", "\"dt\": 0")
        expectError(.outOfRange, copy, file: "simulation_config.json", "run.dt 0.0")
        try copy.edit("simulation_config.json", "\"dt\": 0", "\"dt\": 0.025")
        try copy.edit("simulation_config.json", "\"random_seed\": 1", "\"random_seed\": 1e300")
        expectError(.outOfRange, copy, file: "simulation_config.json", "run.random_seed 1e+300")
    }

    @Test func edgesFromOutsideTheSourcePopulationAreErrors() throws {
        let copy = try Copy()
        defer { copy.remove() }
        let column = "/edges/S1__S1__chemical/source_node_id"
        let count = try HDF5File(reading: copy.path + "/edges.h5").shape(column).first ?? 0
        try HDF5File(updating: copy.path + "/edges.h5").overwrite([Int64](repeating: 250, count: count), in: column)
        expectError(.outOfRange, copy, file: "edges.h5", "source_node_id 250 outside the 250 nodes of population 'S1'")
    }

    @Test func sectionPositionsOutsideZeroOneAreErrors() throws {
        let copy = try Copy()
        defer { copy.remove() }
        let column = "/edges/S1__S1__chemical/0/afferent_section_pos"
        let count = try HDF5File(reading: copy.path + "/edges.h5").shape(column).first ?? 0
        try HDF5File(updating: copy.path + "/edges.h5").overwrite([Double](repeating: 1.5, count: count), in: column)
        expectError(.outOfRange, copy, file: "edges.h5", "afferent_section_pos 1.5, expected a number in [0, 1]")
        try HDF5File(updating: copy.path + "/edges.h5").overwrite([Double](repeating: .nan, count: count), in: column)
        expectError(.outOfRange, copy, file: "edges.h5", "afferent_section_pos nan")
    }

    @Test func aStimulusSelectingOnAnAttributeNoNodeHasIsAnError() throws {
        let copy = try Copy()
        defer { copy.remove() }
        let sets = try String(contentsOfFile: copy.path + "/node_sets.json", encoding: .utf8)
        let l5 = try #require(sets.range(of: "\"L5_TPC\": {"))
        let rule = try #require(sets.range(of: "\"mtype\"", range: l5.upperBound..<sets.endIndex))
        try sets.replacingCharacters(in: rule, with: "\"mtypo\"").write(toFile: copy.path + "/node_sets.json", atomically: false, encoding: .utf8)
        expectError(.notFound, copy, file: "node_sets.json", "node set 'L5_TPC': no node population has the attribute 'mtypo' (S1, S2)")
    }

    @Test func anNDModelNameThatLeavesTheModelsFolderIsRefused() throws {
        let catalog = ElectricalModelCatalog(directory: Self.example + "/models")
        for name in ["nd:../../etc/x", "nd:..", "nd:", "nd:a/b"] {
            #expect(throws: NDError.self, "\(name)") { try catalog.model(for: name) }
        }
        do {
            _ = try catalog.model(for: "nd:../../etc/x")
        } catch let error as NDError {
            #expect(error.kind == .malformed)
            #expect(error.description.contains("model_template 'nd:../../etc/x': expected nd:NAME"))
        }
        _ = try catalog.model(for: "nd:cADpyr")
    }
}
