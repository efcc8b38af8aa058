import Foundation
import Testing

@Suite struct CircuitCLITests {
    static let usecase = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("NDSonataTests/Fixtures/usecase").path

    @Test func describeShowsPopulationsMetypesAndEdges() throws {
        let r = try Tool.run("nd-circuit", ["describe", "simulation_config.json"], in: Self.usecase)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("node population NodeA (biophysical, \(Self.usecase)/nodes_A.h5): 3 cells"))
        #expect(r.stdout.contains("L5_PC-dSTUT"))
        #expect(r.stdout.contains("edge population NodeB__NodeA__chemical (chemical, \(Self.usecase)/edges_AB.h5): NodeB -> NodeA, 3 edges, target index: no"))
    }

    @Test func describeJSONAndCells() throws {
        let j = try Tool.run("nd-circuit", ["describe", "--json", "circuit_config.json"], in: Self.usecase)
        #expect(j.status == 0, "\(j.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
        #expect((object["populations"] as! [[String: Any]]).map { $0["cells"] as! Int } == [3, 2])
        let c = try Tool.run("nd-circuit", ["describe", "--cells", "circuit_config.json"], in: Self.usecase)
        let rows = try c.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(rows.count == 5)
        #expect(rows.map { $0["afferent_synapses"] as! Int } == [3, 2, 3, 1, 3])
    }

    @Test func missingAndBrokenInputsAreExitOne() throws {
        let missing = try Tool.run("nd-circuit", ["describe", "nope.json"], in: Self.usecase)
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("nd-circuit: error: nope.json: cannot open"))
        let truncated = try Tool.run("nd-circuit", ["morphology", "../truncated.h5"], in: Self.usecase)
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("../truncated.h5"))
    }

    @Test func synthValidatesItsOptions() throws {
        let dir = NSTemporaryDirectory()
        #expect(try Tool.run("nd-circuit", ["synth", "--cells", "0", "x"], in: dir).status == 64)
        #expect(try Tool.run("nd-circuit", ["synth", "--cells", "2", "--populations", "3", "x"], in: dir).status == 64)
        let help = try Tool.run("nd-circuit", ["synth", "--help"], in: dir)
        #expect(help.stdout.contains("Examples:"))
    }

    @Test func synthThenDescribe() throws {
        let dir = NSTemporaryDirectory() + "nd-synth-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try Tool.run("nd-circuit", ["synth", "--cells", "60", "--populations", "1", "--seed", "3", dir], in: NSTemporaryDirectory())
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stderr.contains("60 cells in S1"))
        let d = try Tool.run("nd-circuit", ["describe", dir + "/simulation_config.json"], in: NSTemporaryDirectory())
        #expect(d.status == 0, "\(d.stderr)")
        #expect(d.stdout.contains("node population S1 (biophysical"))
    }

    @Test func layeredLayoutPutsOneLayerPerDepthPosition() throws {
        let dir = NSTemporaryDirectory() + "nd-synth-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try Tool.run("nd-circuit", ["synth", "--cells", "400", "--populations", "1", "--layout", "layered:8", dir],
                             in: NSTemporaryDirectory())
        #expect(s.status == 0, "\(s.stderr)")
        let c = try Tool.run("nd-circuit", ["describe", "--cells", "--no-morphologies", dir + "/circuit_config.json"], in: NSTemporaryDirectory())
        #expect(c.status == 0, "\(c.stderr)")
        var layers: [Int: Set<String>] = [:]
        for line in c.stdout.split(separator: "\n") {
            let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let mtype = (row["metype"] as! String).split(separator: "_")[0]
            layers[(row["node_id"] as! Int) % 8, default: []].insert(String(mtype))
        }
        // One layer per depth position, L1 on top, L6 at the bottom.
        #expect(layers.values.allSatisfy { $0.count == 1 })
        #expect(layers[0] == ["L1"] && layers[7] == ["L6"])
        let bad = try Tool.run("nd-circuit", ["synth", "--cells", "4", "--layout", "layered:0", dir], in: NSTemporaryDirectory())
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--layout must be 'random' or 'layered:D'"))
    }
}
