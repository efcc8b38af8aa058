import Foundation
import Testing

/// The examples in examples/ are what the tools write.
@Suite struct ExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test func loadRecordsExampleIsWhatNdStatsWrites() throws {
        let r = try Tool.run("nd-stats", ["examples/coreneuron_input/files.dat", "2", "--ranks-per-machine", "2", "--json"],
                             in: Self.root)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try String(contentsOfFile: Self.root + "/examples/formats/load-records.jsonl", encoding: .utf8)
        #expect(r.stdout == expected)
    }

    /// The bundled circuit is what `make example` (nd-circuit synth) writes, byte for byte.
    @Test func bundledCircuitIsReproducible() throws {
        let dir = NSTemporaryDirectory() + "nd-example-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Tool.run("nd-circuit", ["synth", "--cells", "500", "--populations", "2", "--seed", "1",
                                            "--synapses-per-cell", "50", "--synapses", "exp", dir], in: Self.root)
        #expect(r.status == 0, "\(r.stderr)")
        let committed = Self.root + "/examples/circuit"
        let files = FileManager.default.enumerator(atPath: committed)!.compactMap { $0 as? String }
            .filter { !$0.hasSuffix("/") && (try? FileManager.default.attributesOfItem(atPath: committed + "/" + $0)[.type] as? FileAttributeType) == .typeRegular }
        #expect(files.count > 30)
        for file in files {
            #expect(FileManager.default.contents(atPath: committed + "/" + file) == FileManager.default.contents(atPath: dir + "/" + file), "\(file)")
        }
    }
}
