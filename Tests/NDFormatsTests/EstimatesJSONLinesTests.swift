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
        let e = CellEstimate(population: "S1", node: NodeID(13), metype: "L5_TPC-cADpyr", cellKiB: 812.4, synapses: 7312, synapseKiB: 13892.8)
        let written = try JSONCodec.encode(.object(EstimatesJSONLines.record(e)))
        let table = try read(written + "\n\n" + #"{"total_kb": 3, "synapse_kb": 1, "synapses": 0.5, "cell_kb": 2, "metype": "L1\u00e9", "gid": 0, "population": "S2", "extra": [1, {"x": null}]}"# + "\n")
        #expect(table.count == 2)
        #expect(table.estimate(0) == e)
        #expect(table.estimate(1) == CellEstimate(population: "S2", node: NodeID(0), metype: "L1é", cellKiB: 2, synapses: 0.5, synapseKiB: 1))
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

    @Test func aLargeFileReadInPartsIsReadInFileOrderWithFileLineNumbers() throws {
        // 24 MiB: read in parts at once. Populations and metypes first met in the later part
        // keep their file order; blank lines count.
        var lines: [String] = []
        for i in 0..<200_000 {
            let pop = i < 150_000 ? "S1" : "S2", metype = "M\(i < 120_000 ? i % 3 : i % 5)"
            lines.append(#"{"population":"\#(pop)","gid":\#(i),"metype":"\#(metype)","cell_kb":\#(Double(i % 997) / 10),"synapses":\#(i % 13),"synapse_kb":1.5,"pad":"\#(String(repeating: "x", count: 40))"}"#)
            if i % 50_000 == 7 { lines.append("   ") }
        }
        let table = try read(lines.joined(separator: "\n") + "\n")
        #expect(table.count == 200_000)
        #expect(table.populations == ["S1", "S2"])
        #expect(table.metypes == ["M0", "M1", "M2", "M3", "M4"])
        #expect(table.nodeID == (0..<200_000).map(Int64.init))
        #expect(table.estimate(199_999) == CellEstimate(population: "S2", node: NodeID(199_999), metype: "M4", cellKiB: 59.9, synapses: 7, synapseKiB: 1.5))
        // An error near the end names its line in the whole file (blank lines count: they
        // are elements of `lines`).
        lines[190_000] = #"{"population":"S2","gid":-1}"#
        let error = #expect(throws: NDError.self) { try read(lines.joined(separator: "\n")) }
        #expect(error?.kind == .outOfRange)
        #expect(error?.line == 190_001)
        #expect(error?.message == "\"gid\": expected an integer >= 0")
        // Two errors: the first in the file is the one reported.
        lines[10] = "{"
        let first = #expect(throws: NDError.self) { try read(lines.joined(separator: "\n")) }
        #expect(first?.line == 11)
        #expect(first?.kind == .malformed)
    }

    @Test func plainLinesGiveTheValuesTheScannerGives() throws {
        // Plain lines take the one-pass reader; the scanner is the reference for every number.
        let numbers = ["0", "7", "0.5", "123.456", "99999.99999", "100.0", "0.000000000000001", "999999999999999", "12345678.1234567",
                       "1e2", "2.5E-1", "1234567890123456.5", "0.1000000000000000055511151231257827"]
        var lines: [String] = []
        for (i, n) in numbers.enumerated() {
            lines.append(#"{ "population" : "S1" , "gid":\#(i), "metype":"M", "cell_kb":\#(n), "synapses":\#(n), "synapse_kb":\#(n), "x": \#(n) }"#)
        }
        let table = try read(lines.joined(separator: "\n"))
        for (i, n) in numbers.enumerated() {
            let expected = try Array(n.utf8).withUnsafeBufferPointer { b -> Double in
                var scanner = JSONScanner(b, file: "n")
                return try scanner.double()
            }
            #expect(table.cellKiB[i].bitPattern == expected.bitPattern, "\(n)")
            #expect(table.synapses[i].bitPattern == expected.bitPattern, "\(n)")
        }
        // What the one-pass reader leaves alone still reads, or fails, as before.
        let other = try read(#"{"population":"S\u0032","gid":3,"metype":"A\u00e9","cell_kb":1,"synapses":2,"synapse_kb":3,"t":[true,null]}"#)
        #expect(other.estimate(0) == CellEstimate(population: "S2", node: NodeID(3), metype: "Aé", cellKiB: 1, synapses: 2, synapseKiB: 3))
        func message(_ line: String) -> String { do { _ = try read(line); return "no error" } catch { return "\(error)" } }
        #expect(message(#"{"population":"S1","gid":01,"metype":"A","cell_kb":1,"synapses":2,"synapse_kb":3}"#).hasSuffix(":1: expected ',' or '}', found '1'"))
        #expect(message(#"{"population":"S1","gid":1,"metype":"A","cell_kb":-1,"synapses":2,"synapse_kb":3}"#).hasSuffix(":1: \"cell_kb\": expected a number >= 0"))
        #expect(message(#"{"population":"S1","gid":1.5,"metype":"A","cell_kb":1,"synapses":2,"synapse_kb":3}"#).hasSuffix(":1: expected an integer, found a number with a fraction or exponent"))
        #expect(message(#"{"population":"S1","gid":1,"metype":"A","cell_kb":1,"synapses":2,"synapse_kb":3,}"#).hasSuffix(":1: a trailing ',' before '}'"))
    }
}
