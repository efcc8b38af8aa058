import Foundation
import NDFormats
import NDModel
import Testing

/// The pickle and the JSON-lines list a bucket's cells population by population.
@Suite struct PopulationGroupsTests {
    /// Two populations over 2 ranks x 2 cycles, one bucket mixed, one empty.
    func sample() -> (CellTable, [[Int]], Allocation) {
        var cells = CellTable()
        for (pop, id) in [("S1", 0), ("S1", 70000), ("S2", 5), ("S1", 2), ("S2", 300)] {
            cells.append(population: cells.population(pop), nodeID: Int64(id), metype: cells.metype("M"),
                         cellKiB: Double(id % 7) + 0.25, synapses: 0, synapseKiB: 0)
        }
        let buckets = [[0, 2, 1], [3], [4], []]
        return (cells, buckets, Allocation(grid: BucketGrid(ranks: 2, cycles: 2), cells: cells, kib: (0..<5).map { cells.totalKiB($0) },
                                           buckets: buckets))
    }

    @Test func pickleReadsBackAndMatchesTheGenericEncoder() throws {
        let (cells, buckets, allocation) = sample()
        let bytes = AllocationPickle.encode(allocation)
        // The same tree through the PickleValue encoder gives the same bytes.
        func ids(_ pop: Int32, _ b: Int) -> [PickleValue] { buckets[b].filter { cells.population[$0] == pop }.map { .int(cells.nodeID[$0]) } }
        var tree: [(PickleValue, PickleValue)] = []
        for (p, name) in cells.populations.enumerated() {
            var entries: [(PickleValue, PickleValue)] = []
            for r in 0..<2 { for c in 0..<2 where !ids(Int32(p), c * 2 + r).isEmpty {
                entries.append((.tuple([.int(Int64(r)), .int(Int64(c))]), .list(ids(Int32(p), c * 2 + r))))
            } }
            tree.append((.string(name), .dict(entries)))
        }
        #expect(bytes == (try Pickle.encode(.dict(tree))))

        let dir = makeScratch()
        defer { removeScratch(dir) }
        try Gzip.write(bytes, to: dir + "/a.pkl.gz")
        let back = try AllocationPickle.read(dir + "/a.pkl.gz")
        #expect(back.cells(inBucket: back.index(rank: 0, cycle: 0)) == [cells.ref(0), cells.ref(1), cells.ref(2)])
        #expect(back.buckets[back.index(rank: 1, cycle: 1)].isEmpty)
    }

    @Test func readsA20000By3PickleInLinearTime() throws {
        // 300,000 cells of two populations round-robin over 20,000 ranks x 3 cycles: 60,000
        // keys per population dict, which took minutes while each key was compared with all before it.
        var cells = CellTable()
        for i in 0..<300_000 {
            cells.append(population: cells.population(i % 7 == 0 ? "S2" : "S1"), nodeID: Int64(i), metype: cells.metype("M"),
                         cellKiB: 1, synapses: 0, synapseKiB: 0)
        }
        let buckets = (0..<60_000).map { b in Array(stride(from: b, to: 300_000, by: 60_000)) }
        let dir = makeScratch()
        defer { removeScratch(dir) }
        try Gzip.write(AllocationPickle.encode(Allocation(grid: BucketGrid(ranks: 20_000, cycles: 3), cells: cells, kib: nil, buckets: buckets)),
                       to: dir + "/a.pkl.gz")
        var back: Allocation? = nil
        let elapsed = try ContinuousClock().measure { back = try AllocationPickle.read(dir + "/a.pkl.gz") }
        #expect(back == ExpectedAllocation.refs(cells, buckets, ranks: 20_000, cycles: 3))
        #expect(elapsed < .seconds(5), "read in \(elapsed)")
    }

    @Test func jsonLinesReadBack() throws {
        let (cells, buckets, allocation) = sample()
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let file = try AtomicFile(dir + "/a.jsonl")
        try AllocationJSONLines.write(allocation, to: file)
        try file.commit()
        let text = try String(contentsOfFile: dir + "/a.jsonl", encoding: .utf8)
        #expect(text.hasPrefix(#"{"population":"S1","rank":0,"cycle":0,"gids":[0,70000],"kb":"#))
        #expect(text.contains(#"{"population":"S2","rank":0,"cycle":0,"gids":[5],"kb":5.3}"#))
        #expect(text.hasSuffix(#"{"population":"S1","rank":1,"cycle":1,"gids":[],"kb":0.0}"# + "\n"))
        let back = try AllocationJSONLines.read(dir + "/a.jsonl")
        #expect(back == ExpectedAllocation.refs(cells, buckets, ranks: 2, cycles: 2))
    }
}

/// The expected allocation by population and node id: populations of a bucket in table order.
enum ExpectedAllocation {
    static func refs(_ cells: CellTable, _ buckets: [[Int]], ranks: Int, cycles: Int) -> Allocation {
        Allocation(grid: BucketGrid(ranks: ranks, cycles: cycles), buckets: buckets.map { b in
            cells.populations.indices.flatMap { p in b.filter { cells.population[$0] == Int32(p) }.map { cells.ref($0) } }
        })
    }
}
