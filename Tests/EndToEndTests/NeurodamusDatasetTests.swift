import Foundation
import Testing

/// nd-core on datasets neurodamus 4.2.9 wrote for CoreNEURON (NDFormatsTests'
/// Fixtures/neurodamus, scripts/make-neurodamus-fixtures.py: its ringtest circuit with
/// ProbAMPANMDA_EMS, ProbGABAAB_EMS and CoreNEURONArtificialCell, pulse trains), against
/// the out.dat of a special-core built with neurodamus's mod files: on 1, 2 and 4 ranks,
/// with the dataset's files.dat and with an nd-rebalance'd one.
@Suite(.serialized) struct NeurodamusDatasetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let fixtures = root + "/Tests/NDFormatsTests/Fixtures/neurodamus"

    let dir: String
    init() throws {
        dir = NSTemporaryDirectory() + "nd-core-neurodamus-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// out.dat lines in time, then gid order (CoreNEURON writes each rank's in its own order).
    func sorted(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").map(String.init).sorted {
            let a = $0.split(separator: "\t"), b = $1.split(separator: "\t")
            return (Double(a[0])!, Int(a[1])!) < (Double(b[0])!, Int(b[1])!)
        }
    }

    /// nd-core with the run's sim.conf (tstop, dt, celsius, seed) and the fixture's files.
    func run(_ dataset: String, ranks: Int, filesDat: String? = nil, out: String) throws -> [String] {
        let data = Self.fixtures + "/" + dataset
        let args = ["--read-config", data + "/sim.conf", "-d", data, "-f", filesDat ?? data + "/files.dat", "-o", out]
        let r = ranks == 1 ? try Tool.run("nd-core", args, in: dir) : try Tool.mpirun(ranks, "nd-core", ["--mpi"] + args, in: dir)
        #expect(r.status == 0, "\(dataset) on \(ranks): \(r.stderr)")
        return sorted(read(dir + "/" + out + "/out.dat"))
    }

    @Test(arguments: ["ndring_np1", "ndring_np2", "ndring_np4", "ndring_np1_mb2", "ndring_stoch_np2"])
    func specialCoresSpikesOnOneTwoAndFourRanks(dataset: String) throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let expected = sorted(read(Self.fixtures + "/\(dataset).special-core.out.dat"))
        #expect(expected.count >= 20)
        for ranks in [1, 2, 4] {
            #expect(try run(dataset, ranks: ranks, out: "np\(ranks)") == expected, "\(dataset) on \(ranks) ranks")
        }
        // Groups moved between ranks by nd-rebalance (up to 2 machines of 2 ranks, as many
        // as the groups allow): the same spikes.
        let data = Self.fixtures + "/" + dataset
        let groups = try #require(Int(read(data + "/files.dat")!.split(separator: "\n")[1].trimmingCharacters(in: .whitespaces)))
        let machines = min(2, groups), perMachine = groups >= 4 ? 2 : 1
        let rb = try Tool.run("nd-rebalance", [data + "/files.dat", "\(machines)", "--ranks-per-machine", "\(perMachine)",
                                               "--output-file", "rebalanced.dat"], in: dir)
        #expect(rb.status == 0, "\(rb.stderr)")
        #expect(try run(dataset, ranks: machines * perMachine, filesDat: dir + "/rebalanced.dat", out: "rebalanced") == expected)
    }

    /// In the stochastic fixture (Use 0.5 on every synapse) the spikes follow the
    /// synapses' Random123 draws: another global index gives other spikes (so the test
    /// above would see a stream drawn wrongly).
    @Test func theStochasticFixturesSpikesFollowTheDraws() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = Self.fixtures + "/ndring_stoch_np2"
        let expected = sorted(read(Self.fixtures + "/ndring_stoch_np2.special-core.out.dat"))
        #expect(try run("ndring_stoch_np2", ranks: 1, out: "seed18") == expected)
        let r = try Tool.run("nd-core", ["--read-config", data + "/sim.conf", "-d", data, "-o", "seed5", "-s", "5"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(sorted(read(dir + "/seed5/out.dat")) != expected)
    }

    /// The layouts of neurodamus's mechanisms in nd-core's table are those of the
    /// special-core that wrote the fixtures (bbcore_mech.dat: variables, pdata, kind).
    @Test func theTableReadsNeurodamussLayouts() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mech = try #require(read(Self.fixtures + "/ndring_np1/bbcore_mech.dat"))
        let lines = mech.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        func entry(_ name: String) -> [String]? { lines.first { $0.first == name } }
        // name type pointType isArtificial isIon dataSize pdataSize ...
        #expect(entry("ProbAMPANMDA_EMS").map { Array($0[3...6]) } == ["0", "0", "42", "6"])
        #expect(entry("ProbGABAAB_EMS").map { Array($0[3...6]) } == ["0", "0", "43", "6"])
        #expect(entry("CoreNEURONArtificialCell").map { Array($0[3...6]) } == ["1", "0", "2", "2"])
        // nd-core reads every group of every fixture without refusing anything.
        let r = try Tool.run("nd-core", ["-d", Self.fixtures + "/ndring_np1", "-o", "o", "-e", "1", "--model-stats"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A neurodamus dataset of its v5_sonata circuit (neocortex channels; made by
    /// scripts/make-neurodamus-v5-fixture.py) is refused before anything runs, naming every
    /// mechanism nd-core does not simulate — and only those with instances.
    @Test func neocortexChannelsAreRefusedByName() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Tool.run("nd-core", ["-d", Self.fixtures + "/v5_sonata", "-o", "v5", "-e", "10"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("mechanisms nd-core does not simulate: Ca, CaDynamics_E2, Ca_HVA, Ca_LVAst, Ih, Im, K_Pst, K_Tst, MembraneCurrentSource, NaTa_t, NaTs2_t, Nap_Et2, SK_E2, SKv3_1, ca_ion, ttx_ion\n"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/v5/out.dat"))
    }
}
