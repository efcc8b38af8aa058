import Foundation
import NDCLI
import NDComm
import NDCoreRun
import NDModel
import Testing

/// nd-core's library entries on NEURON's own datasets (NDFormatsTests' fixtures).
@Suite struct CoreRunTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("NDFormatsTests/Fixtures/coreneuron").path

    func scratch() -> String {
        let path = NSTemporaryDirectory() + "ndcorerun-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theCommandLineWinsOverSimConfWhichWinsOverTheDefaults() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "datpath='data'\ntstop=30\ndt=0.05\nseed=3\n".write(toFile: dir + "/sim.conf", atomically: false, encoding: .utf8)
        let p = try CoreRunParameters(.init(tstop: 12, celsius: 34), configFile: dir + "/sim.conf")
        #expect(p.datpath == "data" && p.outpath == "." && p.filesdat == nil)
        #expect(p.tstop == 12 && p.dt == 0.05 && p.celsius == 34 && p.voltage == -65 && p.seed == 3)
        #expect(try CoreRunParameters(.init(), configFile: nil) == CoreRunParameters())
    }

    @Test func outOfRangeValuesNameTheFileTheyCameFrom() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "seed=1.5\n".write(toFile: dir + "/sim.conf", atomically: false, encoding: .utf8)
        #expect((#expect(throws: NDError.self) { try CoreRunParameters(.init(), configFile: dir + "/sim.conf") })?.kind == .outOfRange)
        #expect((#expect(throws: NDError.self) { try CoreRunParameters(.init(seed: -1), configFile: nil) })?.kind == .outOfRange)
        #expect((#expect(throws: NDError.self) { try CoreRunParameters(.init(dt: 0), configFile: nil) })?.kind == .outOfRange)
    }

    @Test func eachRankLoadsItsRoundRobinShareOfTheGroups() throws {
        var p = CoreRunParameters()
        p.datpath = Self.fixtures + "/ring_np2"
        let whole = try CoreModel(p, rank: 0, size: 1)
        let half = try CoreModel(p, rank: 1, size: 2)
        #expect(whole.entries == 2 && half.entries == 1)
        #expect(half.engine.cellCount < whole.engine.cellCount)
        #expect(half.coreNeuronBytes > 0 && half.coreNeuronBytes < whole.coreNeuronBytes)
    }

    @Test func aRunWritesNrnivCoresSpikesAndOneMemoryRecordPerRank() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = CoreRun(comm: LocalCommunicator(), diagnostics: Diagnostics(tool: "test"))
        try run.run(.init(datpath: Self.fixtures + "/ring_np1", outpath: dir, tstop: 100, voltage: -65),
                    configFile: nil, modelStats: false, ranksPerMachine: 1, showProgress: false)
        let expected = try String(contentsOfFile: Self.fixtures + "/ring_np1.nrniv-core.out.dat", encoding: .utf8)
        #expect(try String(contentsOfFile: dir + "/out.dat", encoding: .utf8) == expected)
        let memory = try String(contentsOfFile: dir + "/memory.jsonl", encoding: .utf8)
        #expect(memory.split(separator: "\n").count == 1 && memory.contains("\"rank\":0") && memory.contains("\"machine\":0"))
    }

    @Test func memoryRecordsPutRanksOnMachinesAndRoundSecondsToTheMillisecond() throws {
        let x = RankRecord(rank: 5, entries: 2, cells: 3, compartments: 4, synapses: 5, modelBytes: 6,
                           coreNeuronBytes: 7, peakRSSBytes: 8, loadSeconds: 1.23456, runSeconds: 0.0004)
        let record = x.record(ranksPerMachine: 2)
        #expect(record["machine"] == .int(2) && record["rank"] == .int(5))
        #expect(record["load_seconds"] == .double(1.235) && record["run_seconds"] == .double(0))
    }
}
