import Foundation
import Testing

/// `make workflow` on a copy of the bundled circuit: it runs end to end, and reruns only
/// what changed.
@Suite(.serialized) struct WorkflowTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func make(_ variables: [String], in dir: String) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["make", "--no-print-directory", "-C", Self.root, "workflow", "OUT=\(dir)/out",
                             "CONFIG=\(dir)/circuit/simulation_config.json", "TSTOP=8", "RANKS=2", "CYCLES=2"] + variables
        var environment = ProcessInfo.processInfo.environment
        for key in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"] { environment.removeValue(forKey: key) }
        process.environment = environment
        return try Tool.run(process, in: dir)
    }

    func steps(_ r: ToolResult) -> [String] {
        ["nd-estimate", "nd-allocate", "nd-instantiate", "nd-rebalance", "nd-core", "nd-stats"].filter { r.stdout.contains("bin/" + $0 + " ") }
    }

    @Test func runsAndRerunsOnlyWhatChanged() throws {
        let dir = NSTemporaryDirectory() + "nd-workflow-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Self.root + "/examples/circuit", toPath: dir + "/circuit")

        let first = try make(["MACHINES=2", "RANKS_PER_MACHINE=1"], in: dir)
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(steps(first) == ["nd-estimate", "nd-allocate", "nd-instantiate", "nd-rebalance", "nd-core", "nd-stats"])
        let spikes = try String(contentsOfFile: dir + "/out/out.dat", encoding: .utf8)
        #expect(spikes.split(separator: "\n").count > 100)
        #expect(first.stdout.contains("rank max/mean"))
        #expect(FileManager.default.fileExists(atPath: dir + "/out/allocation_r2_c2.pkl.gz"))
        #expect(try String(contentsOfFile: dir + "/out/loads.svg", encoding: .utf8).hasPrefix("<svg"))
        #expect(try String(contentsOfFile: dir + "/out/memory.jsonl", encoding: .utf8).split(separator: "\n").count == 2)

        let again = try make(["MACHINES=2", "RANKS_PER_MACHINE=1"], in: dir)
        #expect(again.status == 0)
        #expect(steps(again).isEmpty, "\(again.stdout)")

        let machines = try make(["MACHINES=1", "RANKS_PER_MACHINE=2"], in: dir)
        #expect(machines.status == 0, "\(machines.stderr)")
        #expect(steps(machines) == ["nd-rebalance", "nd-core", "nd-stats"])
        #expect(try String(contentsOfFile: dir + "/out/out.dat", encoding: .utf8) == spikes)  // same spikes, other layout

        let now = Date().addingTimeInterval(2)
        try FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: dir + "/circuit/simulation_config.json")
        let touched = try make(["MACHINES=1", "RANKS_PER_MACHINE=2"], in: dir)
        #expect(touched.status == 0, "\(touched.stderr)")
        #expect(steps(touched) == ["nd-estimate", "nd-allocate", "nd-instantiate", "nd-rebalance", "nd-core", "nd-stats"])

        // A failing step leaves no target behind, so make runs it again next time.
        let failing = try make(["RANKS=100000", "MACHINES=1", "RANKS_PER_MACHINE=2"], in: dir)
        #expect(failing.status != 0)
        #expect(failing.stderr.contains("nd-allocate: error:"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/allocation.jsonl"))
    }
}
