import Foundation
import Testing

@Suite struct StatsCLITests {
    func makeFolder() -> Scratch {
        let s = Scratch()
        s.write("1.8\n6\n0\n1\n-1\n2\n-1\n3\n", to: "data/files.dat")
        for (entry, mib) in [("0", 4), ("1", 2), ("2", 8), ("3", 1)] { s.addEntry(entry, size: mib << 20) }
        return s
    }

    @Test func minusOneSlotsCountForTheRoundRobinButLoadNothing() throws {
        let s = makeFolder()
        defer { s.remove() }
        let r = try Tool.run("nd-stats", ["data/files.dat", "1", "--ranks-per-machine", "4", "--json"], in: s.path)
        #expect(r.status == 0, "\(r.stderr)")
        let records = try r.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        let ranks = records.filter { $0["type"] as? String == "rank" }
        // slots: 0->r0, 1->r1, -1->r2, 2->r3, -1->r0, 3->r1
        #expect(ranks.map { $0["bytes"] as! Int } == [4 << 20, 3 << 20, 0, 8 << 20])
        #expect(ranks.map { $0["entries"] as! Int } == [1, 2, 0, 1])
        let machine = records.first { $0["type"] as? String == "machine" }!
        #expect(machine["bytes"] as? Int == 15 << 20)
    }

    @Test func comparePrintsBothFilesSideBySide() throws {
        let s = makeFolder()
        defer { s.remove() }
        let rebalance = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--ranks-per-machine", "2", "--max-entries", "0", "--output-file", "data/r.dat"], in: s.path)
        #expect(rebalance.status == 0, "\(rebalance.stderr)")
        let r = try Tool.run("nd-stats", ["data/files.dat", "2", "--ranks-per-machine", "2", "--compare", "data/r.dat"], in: s.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("data/files.dat") && r.stdout.contains("data/r.dat"))
        #expect(r.stdout.contains("rank max/mean"))
        #expect(r.stdout.contains("Machine histogram (MiB)"))
    }

    @Test func aMissingDataFileIsExitOneNamingTheLine() throws {
        let s = makeFolder()
        defer { s.remove() }
        try FileManager.default.removeItem(atPath: s.path + "/data/2_2.dat")
        let r = try Tool.run("nd-stats", ["data/files.dat", "1"], in: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("nd-stats: error: data/files.dat:6: entry '2'"))
        #expect(r.stdout.isEmpty)
    }

    @Test func datPathOverridesTheFolder() throws {
        let s = makeFolder()
        defer { s.remove() }
        try FileManager.default.copyItem(atPath: s.path + "/data/files.dat", toPath: s.path + "/copy.dat")
        let withPath = try Tool.run("nd-stats", ["copy.dat", "1", "--dat-path", "data"], in: s.path)
        let direct = try Tool.run("nd-stats", ["data/files.dat", "1"], in: s.path)
        #expect(withPath.status == 0 && direct.status == 0)
        #expect(withPath.stdout == direct.stdout)
        #expect(withPath.stdout.hasPrefix("Machine histogram\n"))
    }

    @Test func progressIsSilentInPipesUnlessAsked() throws {
        let s = makeFolder()
        defer { s.remove() }
        let quiet = try Tool.run("nd-stats", ["data/files.dat", "1"], in: s.path)
        #expect(!quiet.stderr.contains("stat 4 entries"))
        let loud = try Tool.run("nd-stats", ["data/files.dat", "1", "--progress"], in: s.path)
        #expect(loud.stderr.contains("stat 4 entries [##############################] 4/4 100%"))
    }

    @Test func aFailedStdoutWriteIsAnError() throws {
        let s = makeFolder()
        defer { s.remove() }
        let r = try Tool.run("nd-stats", ["data/files.dat", "1"], in: s.path, stdoutFile: "/dev/full")
        #expect(r.status == 1)
        #expect(r.stderr.contains("nd-stats: error: stdout: cannot write: No space left on device"))
    }
}
