import Foundation
import NDFormats
import NDModel
import Testing

@Suite struct CellMemoryUsageTests {
    static let neurodamusFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/neurodamus-cell_memory_usage.json").path

    @Test func readsAFileWrittenByNeurodamus() throws {
        // Written by neurodamus 4.2.9's CellMemoryUsage.to_json (scripts/check-neurodamus-usage.py).
        let usage = try CellMemoryUsage(contentsOf: Self.neurodamusFile)
        #expect(usage.metypeMemoryKiB["L1_NGC-cNAC"] == 100)
        #expect(usage.metypeMemoryKiB.count == 8)
        #expect(usage.metypeSynapseAverage["L5_TPC-cADpyr"] == 50)
        #expect(usage.populationMetypeNodeIDs.keys.sorted() == ["S1", "S2"])
        let cells = usage.populationMetypeNodeIDs.values.flatMap { $0.values }.reduce(0) { $0 + $1.count }
        #expect(cells == 500)
    }

    @Test func writesNeurodamusLayoutAndReadsItBack() throws {
        var usage = CellMemoryUsage()
        usage.metypeMemoryKiB = ["B-x": 2.5, "A-y": 812.4]
        usage.metypeSynapseAverage = ["A-y": 7312, "B-x": 0.5]
        usage.populationMetypeNodeIDs = ["S1": ["A-y": [3, 1], "B-x": [0]]]
        let text = String(decoding: try usage.encoded(), as: UTF8.self)
        #expect(text.hasPrefix("{\n    \"metype_cell_syn_average\": {\n        \"A-y\": 7312"))
        let path = NSTemporaryDirectory() + "cmu-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try CellMemoryUsage(contentsOf: path) == usage)
    }
}
