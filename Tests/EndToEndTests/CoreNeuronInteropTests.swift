import Foundation
import Testing

/// nd-core on datasets NEURON 9.0.2's `pc.nrncore_write` wrote (NDFormatsTests'
/// Fixtures/coreneuron, scripts/make-coreneuron-fixtures.py), against the out.dat
/// nrniv-core wrote for each.
@Suite(.serialized) struct CoreNeuronInteropTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let fixtures = root + "/Tests/NDFormatsTests/Fixtures/coreneuron"

    let dir: String
    init() throws {
        dir = NSTemporaryDirectory() + "nd-core-interop-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test(arguments: [("tiny", 60.0), ("ring_np1", 100), ("ring_np2", 100), ("multi", 100), ("tiny_play", 60),
                      ("tiny_vecstim", 60), ("tiny_extras", 60)])
    func neuronsDatasetsGiveNrnivCoresSpikes(dataset: String, tstop: Double) throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = Self.fixtures + "/" + dataset
        let expected = try #require(read(Self.fixtures + "/\(dataset).nrniv-core.out.dat"))
        #expect(!expected.isEmpty)
        let one = try Tool.run("nd-core", ["-d", data, "-o", "one", "-e", "\(tstop)", "-v", "-65"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(read(dir + "/one/out.dat") == expected)
        // The scalar loops (what runs where the vector kernels cannot) give the same.
        let scalar = try Tool.run("nd-core", ["-d", data, "-o", "scalar", "-e", "\(tstop)", "-v", "-65"], in: dir,
                                  environment: ["ND_SCALAR_KERNELS": "1"])
        #expect(scalar.status == 0, "\(scalar.stderr)")
        #expect(read(dir + "/scalar/out.dat") == expected)
        if let two = read(Self.fixtures + "/\(dataset).nrniv-core-np2.out.dat") {
            let r = try Tool.mpirun(2, "nd-core", ["--mpi", "-d", data, "-f", data + "/files.dat", "-o", "two", "--tstop", "\(tstop)"], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(read(dir + "/two/out.dat") == two)
        }
    }

    @Test func aModelInTheRetiredFormatIsRefusedSayingSo() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let old = dir + "/old"
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        try "ndmodel-1\n1\n0\n".write(toFile: old + "/files.dat", atomically: false, encoding: .utf8)
        try "{}".write(toFile: old + "/run.json", atomically: false, encoding: .utf8)
        let r = try Tool.run("nd-core", ["-d", "old", "-o", "out"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("retired NDMODEL format"), "\(r.stderr)")
    }

    @Test func specialCoresReadConfigIsHonoured() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = Self.fixtures + "/tiny"
        try "datpath='\(data)'\ntstop=30\noutpath='cfg'\n".write(toFile: dir + "/sim.conf", atomically: false, encoding: .utf8)
        let r = try Tool.run("nd-core", ["--read-config", "sim.conf"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try #require(read(Self.fixtures + "/tiny.nrniv-core.out.dat"))
        let upTo30 = expected.split(separator: "\n").filter { Double($0.split(separator: "\t")[0])! <= 30 }.map { $0 + "\n" }.joined()
        #expect(read(dir + "/cfg/out.dat") == upTo30)
    }
}
