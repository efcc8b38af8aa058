import Foundation
import Testing

@Suite struct AllocateCLITests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
    static let fixtures = here + "/AllocationFixtures"
    static let config = here + "/../../examples/circuit/simulation_config.json"

    func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// (population, rank, cycle) → gids, from allocation JSON-lines.
    func buckets(_ text: String) throws -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for r in try lines(text) where !(r["gids"] as! [Int]).isEmpty {
            result["\(r["population"]!) \(r["rank"]!) \(r["cycle"]!)"] = r["gids"] as? [Int]
        }
        return result
    }

    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "nd-allocate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The fixtures are neurodamus 4.2.9's own allocations of the same cell_memory_usage.json.
    @Test(arguments: [(3, 2), (4, 1), (7, 3), (16, 1), (1, 1)])
    func neurodamusModeAllocatesAsNeurodamus(_ rc: (Int, Int)) throws {
        let (r, c) = rc
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ours = try Tool.run("nd-allocate", ["--ranks", "\(r)", "--cycles", "\(c)", "--algorithm", "neurodamus",
                                                "--cell-memory-usage", Self.fixtures + "/cell_memory_usage.json", "--output-dir", "out"], in: dir)
        #expect(ours.status == 0, "\(ours.stderr)")
        let theirs = try Tool.run("nd-allocate", ["--from", Self.fixtures + "/allocation_r\(r)_c\(c).pkl.gz",
                                                  "--cell-memory-usage", Self.fixtures + "/cell_memory_usage.json"], in: dir)
        #expect(theirs.status == 0, "\(theirs.stderr)")
        let expected = try buckets(theirs.stdout)
        #expect(expected.values.reduce(0) { $0 + $1.count } == 500)
        #expect(try buckets(ours.stdout) == expected)
        // Our pickle reads back the same.
        let back = try Tool.run("nd-allocate", ["--from", "out/allocation_r\(r)_c\(c).pkl.gz"], in: dir)
        #expect(try buckets(back.stdout) == expected)
    }

    @Test func picklesLoadWithPythonsStandardLibrary() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let est = try Tool.run("nd-estimate", [Self.config, "--output-dir", "e"], in: dir)
        try est.stdout.write(toFile: dir + "/est.jsonl", atomically: false, encoding: .utf8)
        let a = try Tool.run("nd-allocate", ["--ranks", "4", "--cycles", "2", "est.jsonl"], in: dir)
        #expect(a.status == 0, "\(a.stderr)")
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import gzip, json, pickle, sys
            d = pickle.load(gzip.open(sys.argv[1]))
            assert type(d) is dict and all(type(v) is dict for v in d.values())
            for pop, buckets in d.items():
                for (r, c), gids in buckets.items():
                    print(json.dumps([pop, r, c, gids]))
            """, "allocation_r4_c2.pkl.gz"]
        let r = try Tool.run(python, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        var fromPython: [String: [Int]] = [:]
        for line in r.stdout.split(separator: "\n") {
            let x = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [Any]
            fromPython["\(x[0]) \(x[1]) \(x[2])"] = x[3] as? [Int]
        }
        #expect(fromPython == (try buckets(a.stdout)))
        #expect(fromPython.count >= 8)
    }

    @Test func refineIsNearTheLowerBoundAndNeverWorseThanNeurodamus() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let est = try Tool.run("nd-estimate", [Self.config, "--output-dir", "e"], in: dir)
        try est.stdout.write(toFile: dir + "/est.jsonl", atomically: false, encoding: .utf8)
        let cells = try lines(est.stdout).map { $0["total_kb"] as! Double }
        let total = cells.reduce(0, +), largest = cells.max()!
        for (r, c) in [(4, 1), (8, 2), (5, 5), (25, 1), (12, 2)] {
            func maxBucket(_ algorithm: String) throws -> Double {
                let run = try Tool.run("nd-allocate", ["--ranks", "\(r)", "--cycles", "\(c)", "--algorithm", algorithm, "est.jsonl", "--output-dir", algorithm], in: dir)
                #expect(run.status == 0, "\(run.stderr)")
                var loads: [String: Double] = [:]
                for rec in try lines(run.stdout) { loads["\(rec["rank"]!) \(rec["cycle"]!)", default: 0] += rec["kb"] as! Double }
                return loads.values.max()!
            }
            let bound = max(total / Double(r * c), largest)
            let refined = try maxBucket("refine"), greedy = try maxBucket("neurodamus")
            #expect(refined <= bound * 1.01, "R=\(r) C=\(c): refine \(refined), bound \(bound)")
            #expect(refined <= greedy + 1e-6, "R=\(r) C=\(c): refine \(refined), neurodamus \(greedy)")
        }
    }

    @Test func tooManyBucketsUnknownPicklesAndBadInput() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{\"population\":\"S1\",\"gid\":0,\"metype\":\"A\",\"cell_kb\":1,\"synapses\":0,\"synapse_kb\":0,\"total_kb\":1}\n"
            .write(toFile: dir + "/one.jsonl", atomically: false, encoding: .utf8)
        let refused = try Tool.run("nd-allocate", ["--ranks", "2", "one.jsonl"], in: dir)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("2 buckets for 1 cells"))
        let allowed = try Tool.run("nd-allocate", ["--ranks", "2", "--allow-empty", "one.jsonl"], in: dir)
        #expect(allowed.status == 0)
        #expect(allowed.stderr.contains("warning: 1 of 2 buckets got no cell"))
        // A pickle that would run code: refused, nothing run.
        let evil: [UInt8] = [0x80, 0x04, 0x8C, 0x02] + Array("os".utf8) + [0x8C, 0x06] + Array("system".utf8)
            + [0x93, 0x8C, 0x04] + Array("true".utf8) + [0x85, 0x52, 0x2E]
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-c"]
        try Data(evil).write(to: URL(fileURLWithPath: dir + "/evil.pkl"))
        gz.standardInput = FileHandle(forReadingAtPath: dir + "/evil.pkl")
        _ = FileManager.default.createFile(atPath: dir + "/evil.pkl.gz", contents: nil)
        gz.standardOutput = FileHandle(forWritingAtPath: dir + "/evil.pkl.gz")
        try gz.run(); gz.waitUntilExit()
        let bad = try Tool.run("nd-allocate", ["--from", "evil.pkl.gz"], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("unknown pickle content: global os.system"))
        try "{\"population\":\"S1\",\"gid\":-3}\n".write(toFile: dir + "/bad.jsonl", atomically: false, encoding: .utf8)
        let badLine = try Tool.run("nd-allocate", ["--ranks", "1", "bad.jsonl"], in: dir)
        #expect(badLine.status == 1)
        #expect(badLine.stderr.contains("bad.jsonl:1:"))
        #expect(try Tool.run("nd-allocate", ["one.jsonl"], in: dir).status == 64)
    }
}
