import Foundation
import Testing

/// nd-instantiate and nd-core on the bundled example, under mpirun: the model is the same
/// whatever the ranks, the allocation and the files.dat order. Short runs (10 ms: every
/// cell fires once and the spikes reach their targets across ranks).
@Suite(.serialized) struct CoreCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let config = root + "/examples/circuit/simulation_config.json"

    let dir: String
    init() throws {
        dir = NSTemporaryDirectory() + "nd-core-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: dir + "/" + path, encoding: .utf8) }

    func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// An allocation by hand: cells dealt to 4 buckets in the given sizes, in reverse node order.
    func writeAllocation(_ sizes: [Int], ranks: Int, cycles: Int, to name: String) throws {
        let d = try Tool.run("nd-circuit", ["describe", "--cells", Self.config], in: dir)
        let cells = try lines(d.stdout).reversed()
        var text = "", next = cells.makeIterator()
        // The sizes are in files.dat's order: cycle by cycle, rank by rank.
        let buckets = (0..<cycles).flatMap { cycle in (0..<ranks).map { rank in (rank: rank, cycle: cycle) } }
        try #require(sizes.count == buckets.count, "one size per bucket")
        for (bucket, size) in zip(buckets, sizes) {
            var byPopulation: [String: [Int]] = [:]
            for _ in 0..<size { if let c = next.next() { byPopulation[c["population"] as! String, default: []].append(c["node_id"] as! Int) } }
            if byPopulation.isEmpty { byPopulation["S1"] = [] }
            for (pop, ids) in byPopulation.sorted(by: { $0.key < $1.key }) {
                text += "{\"population\":\"\(pop)\",\"rank\":\(bucket.rank),\"cycle\":\(bucket.cycle),\"gids\":\(ids)}\n"
            }
        }
        try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
    }

    @Test func sameSpikesWhateverRanksAllocationAndFilesDat() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rr = try Tool.run("nd-instantiate", [Self.config, "--output-path", "rr", "--ranks", "4"], in: dir)
        #expect(rr.status == 0, "\(rr.stderr)")
        let buckets = try lines(rr.stdout)
        #expect(buckets.count == 4 && buckets.map { $0["cells"] as! Int }.reduce(0, +) == 500)
        #expect(read("rr/coreneuron_input/files.dat") == "1.8\n         4\n0\n1\n2\n3\n")

        let one = try Tool.run("nd-core", ["-d", "rr/coreneuron_input", "-o", "one", "--tstop", "10"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        let reference = try #require(read("one/out.dat"))
        #expect(reference.split(separator: "\n").count >= 400)
        for ranks in [2, 4] {
            let r = try Tool.mpirun(ranks, "nd-core", ["-d", "rr/coreneuron_input", "-o", "np\(ranks)", "--tstop", "10"], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(read("np\(ranks)/out.dat") == reference, "\(ranks) ranks")
        }
        // A rebalanced files.dat (2 machines x 2 ranks) moves entries between ranks, not spikes.
        let rb = try Tool.run("nd-rebalance", ["rr/coreneuron_input/files.dat", "2", "--ranks-per-machine", "2",
                                               "--output-file", "rebalanced.dat"], in: dir)
        #expect(rb.status == 0, "\(rb.stderr)")
        let r4 = try Tool.mpirun(4, "nd-core", ["-d", "rr/coreneuron_input", "-f", "rebalanced.dat", "-o", "rebalanced",
                                                "--tstop", "10", "--ranks-per-machine", "2"], in: dir)
        #expect(r4.status == 0, "\(r4.stderr)")
        #expect(read("rebalanced/out.dat") == reference)
        // Memory instantiation, 2 ranks x 2 cycles, built by 2 processes.
        try writeAllocation([50, 100, 150, 200], ranks: 2, cycles: 2, to: "alloc.jsonl")
        let mem = try Tool.mpirun(2, "nd-instantiate", [Self.config, "--output-path", "mem", "--lb-mode", "Memory",
                                                        "--allocation", "alloc.jsonl"], in: dir)
        #expect(mem.status == 0, "\(mem.stderr)")
        #expect(try lines(mem.stdout).map { $0["cells"] as! Int } == [50, 100, 150, 200])
        let m2 = try Tool.mpirun(2, "nd-core", ["-d", "mem/coreneuron_input", "-o", "memrun", "--tstop", "10"], in: dir)
        #expect(m2.status == 0, "\(m2.stderr)")
        #expect(read("memrun/out.dat") == reference)
    }

    @Test func memoryRecordsFollowTheLoadedEntriesAsNdStatsDoes() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeAllocation([40, 220, 90, 150], ranks: 4, cycles: 1, to: "alloc.jsonl")
        let mem = try Tool.run("nd-instantiate", [Self.config, "--output-path", "m", "--lb-mode", "Memory",
                                                  "--allocation", "alloc.jsonl"], in: dir)
        #expect(mem.status == 0, "\(mem.stderr)")
        let run = try Tool.mpirun(4, "nd-core", ["-d", "m/coreneuron_input", "-o", "out", "--tstop", "1", "--ranks-per-machine", "2"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let records = try lines(try #require(read("out/memory.jsonl")))
        #expect(records.map { $0["rank"] as! Int } == [0, 1, 2, 3])
        #expect(records.map { $0["machine"] as! Int } == [0, 0, 1, 1])
        #expect(records.map { $0["cells"] as! Int } == [40, 220, 90, 150])
        let bytes = records.map { $0["model_bytes"] as! Int }
        let stats = try Tool.run("nd-stats", ["m/coreneuron_input/files.dat", "1", "--ranks-per-machine", "4", "--json"], in: dir)
        let loads = try lines(stats.stdout).filter { $0["type"] as? String == "rank" }.map { $0["bytes"] as! Int }
        #expect(loads.count == 4)
        #expect(bytes.indices.sorted { bytes[$0] < bytes[$1] } == loads.indices.sorted { loads[$0] < loads[$1] })
        #expect(bytes[1] > 4 * bytes[0])
    }

    @Test func anAllocationMustHoldEveryCellOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeAllocation([100, 100, 100, 199], ranks: 4, cycles: 1, to: "short.jsonl")
        let r = try Tool.run("nd-instantiate", [Self.config, "--output-path", "x", "--lb-mode", "Memory", "--allocation", "short.jsonl"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("exactly once: 1 cells missing"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/x/coreneuron_input/files.dat"))
        var text = try #require(read("short.jsonl"))
        text += "{\"population\":\"S1\",\"rank\":0,\"cycle\":0,\"gids\":[1]}\n"
        try text.write(toFile: dir + "/dup.jsonl", atomically: false, encoding: .utf8)
        let dup = try Tool.run("nd-instantiate", [Self.config, "--output-path", "x", "--lb-mode", "Memory", "--allocation", "dup.jsonl"], in: dir)
        #expect(dup.status == 1)
        #expect(dup.stderr.contains("in more than one bucket"))
        // Every R and C builds all 500 cells once.
        let rc = try Tool.run("nd-instantiate", [Self.config, "--output-path", "rc", "--ranks", "3", "--modelbuilding-steps", "2"], in: dir)
        #expect(rc.status == 0, "\(rc.stderr)")
        let buckets = try lines(rc.stdout)
        #expect(buckets.count == 6 && buckets.map { $0["cells"] as! Int }.reduce(0, +) == 500)
        #expect(read("rc/coreneuron_input/files.dat")?.hasPrefix("1.8\n6\n") == true)
    }

    @Test func corruptOrMissingModelFilesStopEveryRank() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rr = try Tool.run("nd-instantiate", [Self.config, "--output-path", "m", "--ranks", "2"], in: dir)
        #expect(rr.status == 0, "\(rr.stderr)")
        let folder = dir + "/m/coreneuron_input"
        var bytes = try #require(FileManager.default.contents(atPath: folder + "/1_2.dat"))
        let pristine = bytes
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: folder + "/1_2.dat"))
        let flipped = try Tool.mpirun(2, "nd-core", ["-d", "m/coreneuron_input", "-o", "o1", "--tstop", "1"], in: dir)
        #expect(flipped.status != 0)
        #expect(flipped.stderr.contains("1_2.dat: checksum mismatch"))
        #expect(flipped.stderr.contains("rank 0: stopping: another rank failed"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/o1/out.dat"))
        try Data(pristine.prefix(pristine.count - 100)).write(to: URL(fileURLWithPath: folder + "/1_2.dat"))
        let truncated = try Tool.run("nd-core", ["-d", "m/coreneuron_input", "-o", "o2", "--tstop", "1"], in: dir)
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("1_2.dat"))
        try FileManager.default.removeItem(atPath: folder + "/1_2.dat")
        let missing = try Tool.mpirun(2, "nd-core", ["-d", "m/coreneuron_input", "-o", "o3", "--tstop", "1"], in: dir)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("1_2.dat: cannot open"))
    }

    /// A group copied in from another build (same file names, other cells) is refused:
    /// each build's checksum file names its own groups' sizes and CRCs.
    @Test func groupsFromAnotherBuildAreRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, ranks) in [("a", "2"), ("b", "4")] {
            let r = try Tool.run("nd-instantiate", [Self.config, "--output-path", name, "--ranks", ranks], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let ok = try Tool.run("nd-core", ["-d", "a/coreneuron_input", "-o", "o0", "--tstop", "1"], in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        for phase in ["1_1.dat", "1_2.dat"] {
            try FileManager.default.removeItem(atPath: dir + "/a/coreneuron_input/" + phase)
            try FileManager.default.copyItem(atPath: dir + "/b/coreneuron_input/" + phase, toPath: dir + "/a/coreneuron_input/" + phase)
        }
        let mixed = try Tool.run("nd-core", ["-d", "a/coreneuron_input", "-o", "o1", "--tstop", "1"], in: dir)
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("1_1.dat: checksum mismatch"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/o1/out.dat"))
    }
}
