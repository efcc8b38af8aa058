import NDModel
import Testing

@Suite struct BucketGridTests {
    @Test func bucketsGoCycleByCycleRankByRank() {
        let grid = BucketGrid(ranks: 3, cycles: 2)
        #expect(grid.count == 6)
        // files.dat order: cycle 0's ranks, then cycle 1's.
        let pairs = (0..<6).map { (grid.rank(ofBucket: $0), grid.cycle(ofBucket: $0)) }
        #expect(pairs.map(\.0) == [0, 1, 2, 0, 1, 2])
        #expect(pairs.map(\.1) == [0, 0, 0, 1, 1, 1])
        for (b, (r, c)) in pairs.enumerated() { #expect(grid.index(rank: r, cycle: c) == b) }
        // (rank, cycle) order: rank 0's cycles first.
        #expect((0..<6).map { grid.index(rankMajor: $0) } == [0, 3, 1, 4, 2, 5])
    }
}

@Suite struct CellTableTests {
    func table(_ rows: [(String, Int64, String)]) -> CellTable {
        var t = CellTable()
        for (p, id, m) in rows {
            t.append(population: t.population(p), nodeID: id, metype: t.metype(m), cellKiB: Double(id), synapses: 1, synapseKiB: 2)
        }
        return t
    }

    @Test func joiningTablesMapsNamesAndKeepsOrder() {
        var a = table([("S1", 0, "A"), ("S1", 1, "B")])
        let b = table([("S2", 5, "C"), ("S1", 2, "A"), ("S2", 6, "B")])
        a.append(contentsOf: b)
        #expect(a.populations == ["S1", "S2"])
        #expect(a.metypes == ["A", "B", "C"])
        #expect((0..<a.count).map { a.estimate($0) } == [
            CellEstimate(population: "S1", node: NodeID(0), metype: "A", cellKiB: 0, synapses: 1, synapseKiB: 2),
            CellEstimate(population: "S1", node: NodeID(1), metype: "B", cellKiB: 1, synapses: 1, synapseKiB: 2),
            CellEstimate(population: "S2", node: NodeID(5), metype: "C", cellKiB: 5, synapses: 1, synapseKiB: 2),
            CellEstimate(population: "S1", node: NodeID(2), metype: "A", cellKiB: 2, synapses: 1, synapseKiB: 2),
            CellEstimate(population: "S2", node: NodeID(6), metype: "B", cellKiB: 6, synapses: 1, synapseKiB: 2),
        ])
    }

    @Test func aRunOfNodeIDsIsTheSameAsOneByOne() {
        var runs = CellTable()
        runs.append(population: runs.population("P"), nodeIDs: [4, 2, 9], metype: runs.metype("M"), cellKiB: 1.5, synapses: 3, synapseKiB: 5.7)
        var single = CellTable()
        for id in [4, 2, 9] as [Int64] {
            single.append(population: single.population("P"), nodeID: id, metype: single.metype("M"), cellKiB: 1.5, synapses: 3, synapseKiB: 5.7)
        }
        #expect((0..<3).map { runs.estimate($0) } == (0..<3).map { single.estimate($0) })
    }
}
