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
}
