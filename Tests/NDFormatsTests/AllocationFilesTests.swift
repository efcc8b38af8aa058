import Foundation
import NDFormats
import NDModel
import Testing

@Suite struct AllocationFilesTests {
    final class FailingSink: ByteSink {
        func write(_ bytes: [UInt8]) throws { throw NDError(.system, file: "out.jsonl", "cannot write: No space left on device") }
    }

    final class Collecting: ByteSink {
        var bytes: [UInt8] = []
        func write(_ bytes: [UInt8]) throws { self.bytes += bytes }
    }

    /// 700,000 cells over 3 ranks x 2 cycles: a pickle of about 3.4 MB, compressed as three members.
    func large() -> Allocation {
        var cells = CellTable()
        for i in 0..<700_000 {
            cells.append(population: cells.population(i % 5 == 0 ? "S2" : "S1"), nodeID: Int64(i * 3), metype: cells.metype("M"),
                         cellKiB: 1, synapses: 0, synapseKiB: 0)
        }
        let buckets = (0..<6).map { b in Array(stride(from: b, to: 700_000, by: 6)) }
        return Allocation(grid: BucketGrid(ranks: 3, cycles: 2), cells: cells, kib: nil, buckets: buckets)
    }

    @Test func bothFilesAreWrittenAndThePickleReadsBack() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let allocation = large()
        let lines = Collecting()
        var committed = false
        try AllocationFiles.write(allocation, pickleFolder: dir, jsonLines: lines, commit: { committed = true })
        #expect(committed)
        let path = dir + "/" + AllocationFiles.pickleName(ranks: 3, cycles: 2)
        // Three gzip members, one after the other.
        let gzipped = try FileBytes.read(path)
        let headers = (0..<(gzipped.count - 3)).filter { gzipped[$0] == 0x1F && gzipped[$0 + 1] == 0x8B && gzipped[$0 + 2] == 8 }
        #expect(headers.count >= 3 && headers[0] == 0)
        #expect(try Gzip.decompress(gzipped) == AllocationPickle.encode(allocation))
        let back = try AllocationPickle.read(path)
        #expect(back.buckets[back.index(rank: 2, cycle: 1)].count == 700_000 / 6)
        // The JSON-lines say the same.
        let jsonl = dir + "/a.jsonl"
        try AtomicFile.write(lines.bytes, to: jsonl)
        #expect(try AllocationJSONLines.read(jsonl) == back)
    }

    @Test func aFailedJSONLinesWriteLeavesNoNewPickle() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let path = dir + "/" + AllocationFiles.pickleName(ranks: 3, cycles: 2)
        try AtomicFile.write(Array("old".utf8), to: path)
        let full = #expect(throws: NDError.self) { try AllocationFiles.write(large(), pickleFolder: dir, jsonLines: FailingSink(), commit: {}) }
        #expect(full?.kind == .system)
        #expect(try FileBytes.read(path) == Array("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [AllocationFiles.pickleName(ranks: 3, cycles: 2)])
        // The JSON-lines cannot be put in place: the old pickle is already gone (it goes
        // before they are renamed), and no new one is left.
        let commit = #expect(throws: NDError.self) {
            try AllocationFiles.write(large(), pickleFolder: dir, jsonLines: Collecting(), commit: { throw NDError(.system, "commit failed") })
        }
        #expect(commit?.message == "commit failed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    }

    @Test func nodeIDsOfEveryWidthRenderInDecimal() throws {
        var cells = CellTable()
        let ids: [Int64] = [0, 9, 10, 99, 100, 65_536, 999_999_999, 1_000_000_000, Int64.max]
        for id in ids {
            cells.append(population: cells.population("P"), nodeID: id, metype: cells.metype("M"), cellKiB: 1, synapses: 0, synapseKiB: 0)
        }
        let lines = Collecting()
        try AllocationJSONLines.write(Allocation(grid: BucketGrid(ranks: 1, cycles: 1), cells: cells, kib: nil, buckets: [Array(ids.indices)]),
                                      to: lines)
        #expect(String(decoding: lines.bytes, as: UTF8.self)
            == #"{"population":"P","rank":0,"cycle":0,"gids":[0,9,10,99,100,65536,999999999,1000000000,9223372036854775807],"kb":null}"# + "\n")
    }
}
