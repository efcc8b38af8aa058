import Foundation
import Testing

/// What nd-instantiate writes beside the groups, against what NEURON 9.0.2 writes
/// (NDFormatsTests' Fixtures/coreneuron) and what special-core and neurodamus read.
@Suite(.serialized) struct InstantiateDatasetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let config = root + "/examples/circuit/simulation_config.json"
    static let neuron = root + "/Tests/NDFormatsTests/Fixtures/coreneuron/tiny"

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func theFolderIsCoreNeuronsOwn() throws {
        let dir = NSTemporaryDirectory() + "nd-instantiate-ds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Tool.run("nd-instantiate", [Self.config, "--output-path", "m", "--ranks", "2"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let data = dir + "/m/coreneuron_input"
        // The mechanism list is NEURON's, byte for byte: nrniv-core numbers them alike.
        #expect(try read(data + "/bbcore_mech.dat") == read(Self.neuron + "/bbcore_mech.dat"))
        // globals.dat: NEURON's lines, with the config's celsius and dt (6.3 and 0.025 here, as NEURON's defaults).
        #expect(try read(data + "/globals.dat") == read(Self.neuron + "/globals.dat"))
        #expect(try read(data + "/files.dat") == "1.8\n         2\n0\n1\n")
        let conf = try read(data + "/sim.conf")
        for line in ["tstop=200", "dt=0.025000000000000001", "celsius=6.2999999999999998", "voltage=-65",
                     "datpath='\(data)'", "filesdat='\(data)/files.dat'", "pattern='\(data)/replay.dat'"] {
            #expect(conf.contains(line + "\n"), "sim.conf lacks \(line): \(conf)")
        }
        // Replayed spikes come from stand-in gids above every population's block.
        let replay = try read(data + "/replay.dat").split(separator: "\n")
        #expect(replay.first == "/scatter" && replay.count == 11)
        #expect(replay.dropFirst().allSatisfy { Int($0.split(separator: "\t")[1])! >= 2000 })
        #expect(try read(dir + "/m/populations_offset.dat") == "S1::0::S1\nS2::1000::S2\n")
        let sums = try read(data + "/ndtools-checksums.txt").split(separator: "\n").map { $0.split(separator: " ") }
        #expect(sums.map { String($0[0]) } == ["0_1.dat", "0_2.dat", "1_1.dat", "1_2.dat"])
        for s in sums {
            let size = try FileManager.default.attributesOfItem(atPath: data + "/" + s[0])[.size] as! Int
            #expect(Int(s[2]) == size)
        }
        // Every group file starts as NEURON's do.
        for name in ["0_1.dat", "0_2.dat", "1_1.dat", "1_2.dat"] {
            let head = try #require(FileManager.default.contents(atPath: data + "/" + name)).prefix(4)
            #expect(Array(head) == Array("1.8\n".utf8))
        }
    }
    /// A synth circuit with stochastic-release columns becomes neurodamus's synapses: the
    /// mechanism list and globals.dat gain them (as a special-core built with neurodamus's
    /// mod files lists them), every synapse a ProbAMPANMDA_EMS or ProbGABAAB_EMS, and
    /// nd-core gives the same spikes on 1 and 2 ranks.
    @Test func stochasticEdgesBecomeNeurodamussSynapses() throws {
        let dir = NSTemporaryDirectory() + "nd-instantiate-prob-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try Tool.run("nd-circuit", ["synth", "--cells", "40", "--seed", "6", "--synapses-per-cell", "40", "--tstop", "60", "c"], in: dir)
        #expect(s.status == 0, "\(s.stderr)")
        let r = try Tool.run("nd-instantiate", ["c/simulation_config.json", "--output-path", "m", "--ranks", "2"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let data = dir + "/m/coreneuron_input"
        let mechanisms = try read(data + "/bbcore_mech.dat")
        #expect(mechanisms.contains("\nProbAMPANMDA_EMS 24 15 0 0 42 6 42 ") && mechanisms.contains("\nProbGABAAB_EMS 25 16 0 0 43 6 43 "))
        let globals = try read(data + "/globals.dat")
        #expect(globals.contains("\ngmax_ProbAMPANMDA_EMS 0.0010000000000000000208\n") && globals.hasSuffix("Random123_globalindex 6\n"), "\(globals)")
        let one = try Tool.run("nd-core", ["--read-config", data + "/sim.conf", "-o", "one", "--model-stats"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stderr.contains(" synapses, "), "\(one.stderr)")
        let two = try Tool.mpirun(2, "nd-core", ["--read-config", data + "/sim.conf", "-o", "two"], in: dir)
        #expect(two.status == 0, "\(two.stderr)")
        let spikes = try read(dir + "/one/out.dat")
        #expect(spikes.split(separator: "\n").count > 40)
        #expect(try read(dir + "/two/out.dat") == spikes)
    }
}
