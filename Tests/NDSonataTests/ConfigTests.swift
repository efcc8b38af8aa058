import NDModel
import NDFormats
import NDSonata
import Testing

extension SonataSuite {
    @Suite struct ConfigTests {
        @Test func simulationConfigResolvesTheManifestAndReadsEverySection() throws {
            let sim = try SimulationConfig(path: Fixture.usecase + "/simulation_config.json")
            #expect(sim.circuitConfigPath == Fixture.usecase + "/circuit_config.json")
            #expect(sim.run == RunParameters(tstopMs: 50, dtMs: 0.1, randomSeed: 1122))
            #expect(sim.conditions == Conditions(celsius: 35, vInitMV: -75))
            #expect(sim.nodeSet == "Mosaic")
            #expect(sim.outputDirectory == Fixture.usecase + "/reporting")
            #expect(sim.spikesFile == "spikes.h5")
            #expect(sim.inputs.count == 3)
            #expect(sim.unsupportedInputs == ["hypamp (current_clamp/hyperpolarizing)"])
            guard case .currentClamp(let ramp) = sim.inputs[0] else { Issue.record("expected a current clamp"); return }
            #expect(ramp.shape == .linear && ramp.ampStartNA == 0.1 && ramp.ampEndNA == 0.3 && ramp.nodeSet == "nodesPopA")
            guard case .currentClamp(let pulses) = sim.inputs[1] else { Issue.record("expected pulses"); return }
            #expect(pulses.shape == .pulse && pulses.frequencyHz == 50 && pulses.widthMs == 2 && pulses.ampEndNA == 0.5)
            #expect(sim.inputs[2] == .spikes(name: "replay", spikeFile: Fixture.usecase + "/input.h5", nodeSet: "Mosaic", delayMs: 0))
        }

        @Test func circuitConfigAppliesComponentsAndPopulationOverrides() throws {
            let config = try CircuitConfig(path: Fixture.usecase + "/circuit_config.json")
            #expect(config.nodeSetsFile == Fixture.usecase + "/node_sets.json")
            let a = try config.nodePopulation("NodeA")
            #expect(a.nodesFile == Fixture.usecase + "/nodes_A.h5")
            // Manifest variables refer to each other: $CIRCUIT_A is $BASE_DIR/CircuitA.
            #expect(a.morphologyDirectories[.swc] == Fixture.usecase + "/CircuitA/morphologies/swc")
            #expect(a.morphologyDirectories[.asc] == Fixture.usecase + "/CircuitA/morphologies/asc")
            #expect(a.biophysicalModelsDirectory == Fixture.usecase + "/CircuitA/hoc")
            let b = try config.nodePopulation("NodeB")
            #expect(b.morphologyDirectories == [.swc: Fixture.usecase + "/CircuitB/morphologies/swc"])
            #expect(b.biophysicalModelsDirectory == Fixture.usecase + "/CircuitB/models")
            #expect(config.edges.map(\.name) == ["NodeA__NodeA__chemical", "NodeA__NodeB__chemical", "NodeB__NodeA__chemical"])
            #expect(config.edges.map(\.type) == ["chemical", "chemical", "chemical"])
            let absent = #expect(throws: NDError.self) { try config.nodePopulation("NodeC") }
            #expect(absent?.kind == .notFound)
        }

        @Test func errorsNameTheFileAndTheKey() throws {
            let dir = scratchFolder()
            try #"{"run": {"dt": 0.1}}"#.write(toFile: dir + "/sim.json", atomically: false, encoding: .utf8)
            let missing = #expect(throws: NDError.self) { try SimulationConfig(path: dir + "/sim.json") }
            #expect(missing?.kind == .notFound)
            #expect(missing?.description == "\(dir)/sim.json: run.tstop: missing, required")
            try #"{"networks": {"nodes": [{"nodes_file": 3, "populations": {}}]}}"#.write(toFile: dir + "/c.json", atomically: false, encoding: .utf8)
            let wrong = #expect(throws: NDError.self) { try CircuitConfig(path: dir + "/c.json") }
            #expect(wrong?.kind == .malformed)
            #expect(wrong?.message == "networks.nodes[0].nodes_file: expected a string, got number")
            try "{\"a\": \n [1, }".write(toFile: dir + "/bad.json", atomically: false, encoding: .utf8)
            let bad = #expect(throws: NDError.self) { try CircuitConfig(path: dir + "/bad.json") }
            #expect(bad?.file == dir + "/bad.json")
            #expect(bad?.kind == .malformed)
        }

        @Test func pathsNormalise() {
            #expect(PathUtil.resolve("./a/../b", against: "/x/y") == "/x/y/b")
            #expect(PathUtil.resolve("/abs/./f", against: "/x") == "/abs/f")
            #expect(PathUtil.normalize("../a/./b/") == "../a/b")
            #expect(PathUtil.directory(of: "config.json") == ".")
        }
    }
}
