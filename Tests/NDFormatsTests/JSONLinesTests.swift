import Foundation
import NDFormats
import NDModel
import Testing

@Suite struct JSONLinesTests {
    @Test func encodesCompactlyInKeyOrder() throws {
        let record: JSONObject = [
            "population": "S1", "gid": 13, "metype": "L5_TPC-cADpyr", "cell_kb": 812.4, "ok": true,
            "list": [1, 2.5, .null],
        ]
        #expect(try JSONCodec.encode(.object(record))
            == #"{"population":"S1","gid":13,"metype":"L5_TPC-cADpyr","cell_kb":812.4,"ok":true,"list":[1,2.5,null]}"#)
    }

    @Test func roundTripsThroughAFile() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let path = dir + "/a.jsonl"
        let file = try AtomicFile(path)
        let writer = JSONLinesWriter(file)
        for gid in 0..<5000 {
            try writer.write(["gid": .int(Int64(gid)), "kb": .double(Double(gid) / 8), "name": "é\"\\"])
        }
        try file.commit()
        let reader = try JSONLinesReader(path: path)
        var count = 0
        while let (line, value) = try reader.nextRecord() {
            let object = try #require(value.objectValue)
            #expect(object["gid"]?.intValue == Int64(count))
            #expect(object["kb"]?.doubleValue == Double(count) / 8)
            #expect(object["name"]?.stringValue == "é\"\\")
            count += 1
            #expect(line == count)
        }
        #expect(count == 5000)
    }

    @Test func aLongLineGrowsTheBufferAndBlankLinesAreSkipped() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let long = String(repeating: "x", count: 200_000)
        try "\n{\"a\":\"\(long)\"}\n   \n[1]".write(toFile: dir + "/b.jsonl", atomically: false, encoding: .utf8)
        let reader = try JSONLinesReader(path: dir + "/b.jsonl")
        let first = try #require(try reader.nextRecord())
        #expect(first.line == 2)
        #expect(first.value.objectValue?["a"]?.stringValue?.count == 200_000)
        let second = try #require(try reader.nextRecord())
        #expect(second.line == 4)
        #expect(second.value == [1])
        #expect(try reader.nextRecord() == nil)
    }

    @Test func anErrorNamesTheFileAndLine() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        try "{\"a\":1}\n{\"a\":}\n".write(toFile: dir + "/c.jsonl", atomically: false, encoding: .utf8)
        let reader = try JSONLinesReader(path: dir + "/c.jsonl")
        _ = try reader.nextRecord()
        let error = #expect(throws: NDError.self) { _ = try reader.nextRecord() }
        #expect(error?.file == dir + "/c.jsonl")
        #expect(error?.line == 2)
        #expect(error?.kind == .malformed)
    }

    @Test func duplicateKeysAreRejected() {
        let repeated = #expect(throws: NDError.self) { try JSONCodec.decode(#"{"a":1,"a":2}"#) }
        #expect(repeated?.kind == .malformed)
    }

    @Test func aMissingFileIsAnError() {
        let error = #expect(throws: NDError.self) { _ = try JSONLinesReader(path: "/nonexistent/x.jsonl") }
        #expect(error?.file == "/nonexistent/x.jsonl")
        #expect(error?.kind == .notFound)
    }
}
