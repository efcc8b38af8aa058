import Foundation
import Testing

/// Our tools against what neurodamus's python tools wrote for the same inputs
/// (scripts/make-reference-fixtures.py): byte-identical files.dat, identical histograms.
@Suite struct ReferenceFixtureTests {
    static let cases: [String] = {
        (try? FileManager.default.contentsOfDirectory(atPath: Tool.fixtures))?.sorted() ?? []
    }()

    @Test func thereAreEnoughCases() {
        #expect(Self.cases.count >= 5)
    }

    @Test(arguments: cases)
    func matchesTheReference(_ name: String) throws {
        let dir = Tool.fixtures + "/" + name
        func text(_ file: String) throws -> String { try String(contentsOfFile: dir + "/" + file, encoding: .utf8) }
        func args(_ file: String) throws -> [String] { try text(file).split(separator: "\n").map(String.init) }

        let scratch = Scratch()
        defer { scratch.remove() }
        scratch.write(try text("files.dat"), to: "data/files.dat")
        for line in try text("sizes.txt").split(separator: "\n") {
            let parts = line.split(separator: " ")
            scratch.addEntry(String(parts[0]), size: Int(parts[1])!)
        }

        let rebalance = try Tool.run("nd-rebalance", try args("rebalance.args"), in: scratch.path)
        #expect(rebalance.status == 0, "\(rebalance.stderr)")
        #expect(scratch.read("out.dat") == (try text("expected-rebalanced.dat")))
        #expect(rebalance.stdout == (try text("expected-rebalance.stdout")))

        let stats = try Tool.run("nd-stats", try args("stats.args"), in: scratch.path)
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout == (try text("expected-stats.stdout")))

        let inputStats = try Tool.run("nd-stats", try args("stats-input.args"), in: scratch.path)
        #expect(inputStats.status == 0, "\(inputStats.stderr)")
        #expect(inputStats.stdout == (try text("expected-stats-input.stdout")))
    }
}
