import Foundation
import NDFormats
import NDModel
import Testing

@Suite struct EstimatesJSONLinesTests {
    func read(_ text: String) throws -> CellTable {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let path = dir + "/e.jsonl"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return try EstimatesJSONLines.read(path)
    }

    @Test func readsWhatItWritesInAnyKeyOrder() throws {
        let e = CellEstimate(population: "S1", nodeID: 13, metype: "L5_TPC-cADpyr", cellKiB: 812.4, synapses: 7312, synapseKiB: 13892.8)
        let written = try JSONCodec.encode(.object(EstimatesJSONLines.record(e)))
        let table = try read(written + "\n\n" + #"{"total_kb": 3, "synapse_kb": 1, "synapses": 0.5, "cell_kb": 2, "metype": "L1\u00e9", "gid": 0, "population": "S2", "extra": [1, {"x": null}]}"# + "\n")
        #expect(table.count == 2)
        #expect(table.estimate(0) == e)
        #expect(table.estimate(1) == CellEstimate(population: "S2", nodeID: 0, metype: "L1é", cellKiB: 2, synapses: 0.5, synapseKiB: 1))
        #expect(table.populations == ["S1", "S2"])
    }

    @Test func errorsNameFileAndLine() throws {
        let good = #"{"population":"S1","gid":1,"metype":"A","cell_kb":1,"synapses":2,"synapse_kb":3}"#
        func message(_ bad: String) -> String {
            do { _ = try read(good + "\n" + bad + "\n"); return "no error" } catch { return "\(error)" }
        }
        #expect(message(#"{"population":"S1","metype":"A","cell_kb":1,"synapses":2,"synapse_kb":3}"#).hasSuffix("e.jsonl:2: \"gid\": expected an integer >= 0"))
        #expect(message(#"{"population":"S1","gid":1,"metype":"A","cell_kb":-1,"synapses":2,"synapse_kb":3}"#).hasSuffix("e.jsonl:2: \"cell_kb\": expected a number >= 0"))
        #expect(message(#"{"population":1}"#).hasSuffix("e.jsonl:2: \"population\": expected a string"))
        #expect(message(good + " " + good).hasSuffix("e.jsonl:2: expected the end of the text, found '{'"))
        #expect(message("[1]").hasSuffix("e.jsonl:2: expected '{', found '['"))
        // 50,000 nested arrays under a key that is skipped: an error, not a stack overflow.
        #expect(message(#"{"extra": "# + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "}")
                .hasSuffix("e.jsonl:2: arrays and objects nested deeper than \(JSONScanner.maxDepth) levels"))
    }
}
