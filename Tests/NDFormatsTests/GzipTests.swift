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
        #expect(truncated?.kind == .malformed)
        #expect(truncated?.message.contains("truncated") == true)
        var corrupt = packed
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0x55
        let corrupted = #expect(throws: NDError.self) { try Gzip.decompress(corrupt, name: "b.gz") }
        #expect(corrupted?.kind == .malformed)
        let empty = #expect(throws: NDError.self) { try Gzip.decompress([], name: "c.gz") }
        #expect(empty?.kind == .malformed)
    }

    @Test func aGzipBombStopsAtTheLimit() throws {
        // 2,000 members of 1 MiB of zeros: 2 MB that expand to 2 GiB, which were held in
        // memory before the pickle reader found them not a pickle.
        let member = try Gzip.compress([UInt8](repeating: 0, count: 1 << 20), level: 9)
        let bomb = Array([[UInt8]](repeating: member, count: 2000).joined())
        #expect(bomb.count < 2_200_000)
        let error = #expect(throws: NDError.self) { try Gzip.decompress(bomb, name: "bomb.gz", limit: 1 << 20) }
        #expect(error?.kind == .outOfRange)
        #expect(error?.description == "bomb.gz: decompresses to more than 1048576 bytes, the most accepted for this file (a gzip bomb?)")
        #expect(try Gzip.decompress(Array(bomb.prefix(member.count)), limit: 1 << 20).count == 1 << 20)

        // An allocation pickle may expand 32 times (a real one 2.5 to 5.3 times).
        let dir = makeScratch()
        defer { removeScratch(dir) }
        try Data(bomb).write(to: URL(fileURLWithPath: dir + "/allocation_r2_c1.pkl.gz"))
        let refused = #expect(throws: NDError.self) { try AllocationPickle.read(dir + "/allocation_r2_c1.pkl.gz") }
        #expect(refused?.file == dir + "/allocation_r2_c1.pkl.gz")
        #expect(refused?.kind == .outOfRange)
        #expect(refused?.message == "decompresses to more than \(32 * bomb.count) bytes, the most accepted for this file (a gzip bomb?)")
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(crc32Checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let whole = crc32Checksum(Array("hello world".utf8))
        let parts = crc32Checksum(Array(" world".utf8), continuing: crc32Checksum(Array("hello".utf8)))
        #expect(whole == parts)
    }
}
