import Foundation
import Testing

@Suite struct RebalanceCLITests {
    /// 12 entries of varied sizes in data/, listed in data/files.dat.
    func makeFolder(count: Int = 12, header: String? = nil) -> Scratch {
        let s = Scratch()
        var text = header ?? "1.8\n\(String(repeating: " ", count: 10 - String(count).count))\(count)\n"
        for i in 0..<count {
            text += "\(i)\n"
            s.addEntry(String(i), size: (i * 37 % 11 + 1) << 20)
        }
        s.write(text, to: "data/files.dat")
        return s
    }

    @Test func aMissingInputIsExitOneWithNoOutput() throws {
        let s = Scratch()
        defer { s.remove() }
        let r = try Tool.run("nd-rebalance", ["nope/files.dat", "2", "--output-file", "out.dat"], in: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("nd-rebalance: error: nope/files.dat: input file could not be found"))
        #expect(!s.exists("out.dat"))
    }

    @Test func fewerEntriesThanMachinesIsExitOne() throws {
        let s = makeFolder(count: 3)
        defer { s.remove() }
        let r = try Tool.run("nd-rebalance", ["data/files.dat", "4", "--output-file", "out.dat"], in: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("3 entries for 4 machines"))
        #expect(!s.exists("out.dat"))
    }

    @Test func aMissingDataFileNamesTheLineAndLeavesNothingBehind() throws {
        let s = makeFolder()
        defer { s.remove() }
        try FileManager.default.removeItem(atPath: s.path + "/data/7_2.dat")
        let before = s.listing()
        let r = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--output-file", "out.dat"], in: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("nd-rebalance: error: data/files.dat:10: entry '7'"))
        #expect(r.stderr.contains("data/7_2.dat"))
        #expect(s.listing() == before)
    }

    @Test func aBadCountLineIsAnErrorUnlessMaxEntriesIsGiven() throws {
        let s = makeFolder(count: 4, header: "1.8\nfour\n")
        defer { s.remove() }
        let bad = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--output-file", "out.dat"], in: s.path)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("data/files.dat:2: expected the entry count, got 'four'"))
        let ok = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--max-entries", "0", "--output-file", "out.dat"], in: s.path)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(s.read("out.dat")?.hasPrefix("1.8\n80\n") == true)
    }

    @Test func badUsageIsExit64() throws {
        let s = makeFolder()
        defer { s.remove() }
        for args in [["data/files.dat"], ["data/files.dat", "zero"], ["data/files.dat", "0"],
                     ["data/files.dat", "2", "--ranks-per-machine", "0"], ["data/files.dat", "2", "--balance", "cells"]] {
            let r = try Tool.run("nd-rebalance", args, in: s.path)
            #expect(r.status == 64, "\(args): \(r.stderr)")
        }
    }

    @Test func neverOverwritesItsInput() throws {
        let s = makeFolder()
        defer { s.remove() }
        let original = s.read("data/files.dat")
        let r = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--output-file", "data/files.dat"], in: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("refusing to overwrite"))
        #expect(s.read("data/files.dat") == original)
    }

    @Test func emptySlotsOfARebalancedInputAreSkipped() throws {
        let s = makeFolder()
        defer { s.remove() }
        let first = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--ranks-per-machine", "4", "--output-file", "data/r1.dat"], in: s.path)
        #expect(first.status == 0)
        let second = try Tool.run("nd-rebalance", ["data/r1.dat", "2", "--ranks-per-machine", "4", "--output-file", "r2.dat"], in: s.path)
        #expect(second.status == 0, "\(second.stderr)")
        let entries = s.read("r2.dat")!.split(separator: "\n").dropFirst(2).filter { $0 != "-1" }
        #expect(entries.map { Int($0)! }.sorted() == Array(0..<12))
    }

    @Test func balanceRanksEvensRanksAndReportsBothLevels() throws {
        let s = makeFolder(count: 40)
        defer { s.remove() }
        let plain = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--ranks-per-machine", "4", "--json", "--output-file", "a.dat"], in: s.path)
        let ranks = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--ranks-per-machine", "4", "--balance", "ranks", "--json", "--output-file", "b.dat"], in: s.path)
        #expect(plain.status == 0 && ranks.status == 0)
        func summary(_ out: String, _ level: String) throws -> [String: Any] {
            for line in out.split(separator: "\n") {
                let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                if obj["type"] as? String == "summary" && obj["level"] as? String == level { return obj }
            }
            return [:]
        }
        let lines = ranks.stdout.split(separator: "\n")
        #expect(lines.count == 8 + 2 + 2)
        #expect(try summary(plain.stdout, "machine")["max"] as? Int == summary(ranks.stdout, "machine")["max"] as? Int)
        let before = try summary(plain.stdout, "rank")["max_over_mean"] as! Double
        let after = try summary(ranks.stdout, "rank")["max_over_mean"] as! Double
        #expect(after < before)
        #expect(ranks.stderr.contains("machines n=2") && ranks.stderr.contains("ranks    n=8"))
        // The stats tool sees the same rank loads in the written file.
        let stats = try Tool.run("nd-stats", ["b.dat", "2", "--ranks-per-machine", "4", "--dat-path", "data", "--json"], in: s.path)
        #expect(try summary(stats.stdout, "rank")["max_over_mean"] as? Double == after)
    }

    @Test func helpHasAnExample() throws {
        let s = Scratch()
        defer { s.remove() }
        let r = try Tool.run("nd-rebalance", ["--help"], in: s.path)
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE: nd-rebalance"))
        #expect(r.stdout.contains("--ranks-per-machine"))
        #expect(r.stdout.contains("Examples:"))
    }
}
