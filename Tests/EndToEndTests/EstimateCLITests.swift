import Foundation
import Testing

/// nd-estimate on the bundled example against what nd-instantiate and nd-core then really do.
@Suite(.serialized) struct EstimateCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let config = root + "/examples/circuit/simulation_config.json"

    func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func predictsWhatNdCoreHoldsPerRank() throws {
        let dir = NSTemporaryDirectory() + "nd-estimate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let est = try Tool.run("nd-estimate", [Self.config, "--num-target-ranks", "4", "--json", "--output-dir", "est"], in: dir)
        #expect(est.status == 0, "\(est.stderr)")
        let cells = try lines(est.stdout)
        #expect(cells.count == 500)
        let totals = try JSONSerialization.jsonObject(with: Data(est.stderr.split(separator: "\n").last!.utf8)) as! [String: Any]
        // Exact synapse counts: the edge index's per-target counts.
        let described = try lines(try Tool.run("nd-circuit", ["describe", "--cells", Self.config], in: dir).stdout)
        #expect(cells.map { $0["synapses"] as! Int } == described.map { $0["afferent_synapses"] as! Int })
        // RoundRobin over 4 ranks: cell i on rank i mod 4.
        var predicted = [Double](repeating: 0, count: 4)
        for (i, c) in cells.enumerated() { predicted[i % 4] += (c["total_kb"] as! Double) * 1024 }
        let inst = try Tool.run("nd-instantiate", [Self.config, "--output-path", "m", "--ranks", "4"], in: dir)
        #expect(inst.status == 0, "\(inst.stderr)")
        let run = try Tool.mpirun(4, "nd-core", ["-d", "m/coreneuron_input", "-o", "out", "--tstop", "0.5"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let ranks = try lines(try String(contentsOfFile: dir + "/out/memory.jsonl", encoding: .utf8))
        let base = totals["rank_base_bytes"] as! Double, factor = totals["simulation_factor"] as! Double
        for r in 0..<4 {
            let model = Double(ranks[r]["model_bytes"] as! Int), rss = Double(ranks[r]["peak_rss_bytes"] as! Int)
            #expect(abs(predicted[r] - model) / model <= 0.05, "rank \(r): predicted \(predicted[r]) model bytes, nd-core \(model)")
            let predictedRSS = base + factor * predicted[r]
            #expect(abs(predictedRSS - rss) / rss <= 0.15, "rank \(r): predicted \(predictedRSS) peak RSS, nd-core \(rss)")
            // What CoreNEURON would hold for the rank's group (nd-core's CoreNeuronAccount of
            // the files it loaded, which equals nrniv-core's printed model size).
            let core = Double(ranks[r]["coreneuron_model_bytes"] as! Int)
            let predictedCore = totals["mean_rank_coreneuron_model_bytes"] as! Double
            #expect(abs(predictedCore - core) / core <= 0.05, "rank \(r): predicted \(predictedCore) CoreNEURON bytes, the dataset's \(core)")
        }
        // The usage file is reused: a second run measures nothing and predicts the same.
        let usage = try String(contentsOfFile: dir + "/est/cell_memory_usage.json", encoding: .utf8)
        #expect(usage.contains("\"metype_memory\": {"))
        #expect(usage.contains("\"pop_metype_gids\": {"))
        let again = try Tool.run("nd-estimate", [Self.config, "--num-target-ranks", "4", "--output-dir", "est"], in: dir)
        #expect(again.stdout == est.stdout)
        #expect(again.stderr.contains("cached"))
    }

    @Test func samplingIsCloseToExact() throws {
        let dir = NSTemporaryDirectory() + "nd-estimate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let exact = try lines(try Tool.run("nd-estimate", [Self.config, "--output-dir", "a"], in: dir).stdout)
        let sampled = try lines(try Tool.run("nd-estimate", [Self.config, "--output-dir", "b", "--sample"], in: dir).stdout)
        let e = exact.reduce(0.0) { $0 + Double(truncating: $1["synapses"] as! NSNumber) }
        let s = sampled.reduce(0.0) { $0 + Double(truncating: $1["synapses"] as! NSNumber) }
        #expect(abs(s - e) / e < 0.05, "sampled \(s), exact \(e)")
    }

    @Test func readsNeurodamusUsageFilesAndRejectsBadSizes() throws {
        let dir = NSTemporaryDirectory() + "nd-estimate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // An older neurodamus file: a flat metype -> KiB map.
        try "{\"L5_TPC-cADpyr\": 1000.5}".write(toFile: dir + "/old.json", atomically: false, encoding: .utf8)
        let r = try Tool.run("nd-estimate", [Self.config, "--cell-memory-usage", "old.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let tpc = try lines(r.stdout).first { $0["metype"] as? String == "L5_TPC-cADpyr" }!
        #expect(tpc["cell_kb"] as? Double == 1000.5)
        // The input is read, not rewritten; the updated usage (with every metype) is the output folder's.
        #expect(try String(contentsOfFile: dir + "/old.json", encoding: .utf8) == "{\"L5_TPC-cADpyr\": 1000.5}")
        let updated = try String(contentsOfFile: dir + "/cell_memory_usage.json", encoding: .utf8)
        #expect(updated.contains("L5_TPC-cADpyr") && updated.contains("L1_NGC-cNAC"), "\(updated.prefix(200))")
        #expect(try Tool.run("nd-estimate", [Self.config, "--node-memory", "lots"], in: dir).status == 64)
    }

    @Test func onlyChemicalEdgesAreSynapses() throws {
        let dir = NSTemporaryDirectory() + "nd-estimate-gj-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Self.root + "/examples/circuit", toPath: dir)
        let before = try Tool.run("nd-circuit", ["describe", "circuit_config.json"], in: dir)
        let line = before.stdout.split(separator: "\n").first { $0.contains("edge population S1__S2__chemical") }!
        let edges = Int(line.split(separator: ",").first { $0.hasSuffix(" edges") }!.split(separator: " ").first!)!
        let original = try lines(try Tool.run("nd-estimate", ["simulation_config.json", "--json", "--output-dir", "a"], in: dir).stdout)
        // The same edges declared as gap junctions: no longer synapses anywhere.
        let configPath = dir + "/circuit_config.json"
        var config = try String(contentsOfFile: configPath, encoding: .utf8)
        config = config.replacingOccurrences(of: "\"S1__S2__chemical\": {\n                        \"type\": \"chemical\"",
                                             with: "\"S1__S2__chemical\": {\n                        \"type\": \"electrical\"")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let est = try Tool.run("nd-estimate", ["simulation_config.json", "--json", "--output-dir", "b"], in: dir)
        #expect(est.status == 0, "\(est.stderr)")
        let modified = try lines(est.stdout)
        let sum = { (rows: [[String: Any]]) in rows.reduce(0) { $0 + ($1["synapses"] as! Int) } }
        #expect(edges > 0 && sum(original) - sum(modified) == edges)
        let inst = try Tool.run("nd-instantiate", ["simulation_config.json", "--output-path", "m", "--ranks", "1"], in: dir)
        #expect(inst.status == 0, "\(inst.stderr)")
        #expect(inst.stderr.contains("edge population 'S1__S2__chemical' (electrical) is not simulated"))
        #expect(inst.stdout.contains("\"synapses\":\(sum(modified))"), "\(inst.stdout)")
    }
}
