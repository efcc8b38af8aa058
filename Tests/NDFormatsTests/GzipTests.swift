import Foundation
import NDFormats
import NDModel
import Testing

@Suite struct GzipTests {
    @Test func roundTrips() throws {
        let data = Array((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) })
        let packed = try Gzip.compress(data)
        #expect(packed.count < data.count)
        #expect(packed.prefix(2) == [0x1F, 0x8B])
        #expect(try Gzip.decompress(packed) == data)
        #expect(try Gzip.decompress(try Gzip.compress([])) == [])
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let data = Array("same inputs, same bytes".utf8)
        #expect(try Gzip.compress(data) == Gzip.compress(data))
    }

    @Test func gunzipReadsWhatIsWritten() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let text = String(repeating: "{\"population\":\"S1\",\"gid\":13}\n", count: 500)
        try Gzip.write(Array(text.utf8), to: dir + "/a.jsonl.gz")
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", dir + "/a.jsonl.gz"]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        #expect(gunzip.terminationStatus == 0)
        #expect(String(decoding: out, as: UTF8.self) == text)
        #expect(try Gzip.read(dir + "/a.jsonl.gz") == Array(text.utf8))
    }

    @Test func truncatedAndCorruptDataAreErrors() throws {
        let packed = try Gzip.compress(Array(repeating: 42, count: 10_000) + Array(0..<200))
        let truncated = #expect(throws: NDError.self) {
            try Gzip.decompress(Array(packed.prefix(packed.count / 2)), name: "a.gz")
        }
        #expect(truncated?.file == "a.gz")
        #expect(truncated?.message.contains("truncated") == true)
        var corrupt = packed
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0x55
        #expect(throws: NDError.self) { try Gzip.decompress(corrupt, name: "b.gz") }
        #expect(throws: NDError.self) { try Gzip.decompress([], name: "c.gz") }
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(crc32Checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let whole = crc32Checksum(Array("hello world".utf8))
        let parts = crc32Checksum(Array(" world".utf8), continuing: crc32Checksum(Array("hello".utf8)))
        #expect(whole == parts)
    }
}
