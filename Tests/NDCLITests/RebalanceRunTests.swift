import Foundation
import NDBalance
import NDCLI
import NDModel
import Testing

/// nd-rebalance's library entry on a folder of sparse `_2.dat` files.
@Suite struct RebalanceRunTests {
    func folder(_ sizes: [String: Int], filesDat: String) -> String {
        let dir = NSTemporaryDirectory() + "ndcli-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, size) in sizes {
            _ = FileManager.default.createFile(atPath: dir + "/\(name)_2.dat", contents: nil)
            let handle = FileHandle(forWritingAtPath: dir + "/\(name)_2.dat")!
            try! handle.truncate(atOffset: UInt64(size))
            try! handle.close()
        }
        try! filesDat.write(toFile: dir + "/files.dat", atomically: false, encoding: .utf8)
        return dir
    }

    @Test func entriesGoLargestFirstToTheEmptiestMachineAndTheFileIsWritten() throws {
        let dir = folder(["a": 40, "b": 30, "c": 20, "d": 10], filesDat: "1.8\n5\na\nb\n-1\nc\nd\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try RebalanceRun(input: dir + "/files.dat", output: dir + "/out.dat", maxEntries: nil, machines: 2,
                                   ranksPerMachine: 1, level: .machines, showProgress: false,
                                   diagnostics: Diagnostics(tool: "test"))
        #expect(run.names == ["a", "b", "c", "d"])
        #expect(run.plan.machines.totals == [50, 50])
        #expect(try String(contentsOfFile: dir + "/out.dat", encoding: .utf8) == "1.8\n4\na\nb\nd\nc\n")
        #expect(run.report.machineSummary.max == 50)
        #expect(run.machineHistogramText().hasPrefix("  Machine 1: 0.0 MiB\n  Machine 0: 0.0 MiB\n"))
    }

    @Test func theCountLineLimitsTheEntriesUnlessMaxEntriesIsGiven() throws {
        let dir = folder(["a": 1, "b": 2, "c": 3], filesDat: "1.8\n2\na\nb\nc\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func names(_ maxEntries: Int?) throws -> [String] {
            try RebalanceRun(input: dir + "/files.dat", output: dir + "/out.dat", maxEntries: maxEntries, machines: 1,
                             ranksPerMachine: 1, level: .machines, showProgress: false,
                             diagnostics: Diagnostics(tool: "test")).names
        }
        #expect(try names(nil) == ["a", "b"])
        #expect(try names(0) == ["a", "b", "c"])
        #expect(try names(1) == ["a"])
    }

    @Test func fewerEntriesThanMachinesOrNoCountAreErrorsNamingTheFile() throws {
        let dir = folder(["a": 1], filesDat: "1.8\nx\na\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (maxEntries, machines) in [(nil, 1), (0, 2)] as [(Int?, Int)] {
            let error = #expect(throws: NDError.self) {
                try RebalanceRun(input: dir + "/files.dat", output: dir + "/out.dat", maxEntries: maxEntries, machines: machines,
                                 ranksPerMachine: 1, level: .machines, showProgress: false, diagnostics: Diagnostics(tool: "test"))
            }
            #expect(error?.kind == (maxEntries == nil ? .malformed : .usage))
            #expect(error?.file == dir + "/files.dat")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.dat"))
    }
}
