import NDModel
import Testing

@Suite struct AllocationTests {
    func refs(_ ids: [Int]) -> [CellRef] { ids.map { CellRef(population: "S", node: NodeID($0)) } }

    @Test func checkCoversNamesMissingRepeatedAndUnknownCells() throws {
        let a = Allocation(grid: BucketGrid(ranks: 2, cycles: 1), buckets: [refs([0, 1]), refs([2])])
        try a.checkCovers(refs([0, 1, 2]), source: "a.jsonl")
        let bad = Allocation(grid: BucketGrid(ranks: 2, cycles: 1), buckets: [refs([0, 1, 1]), refs([7])])
        let error = #expect(throws: NDError.self) { try bad.checkCovers(refs([0, 1, 2]), source: "a.jsonl") }
        #expect(error?.kind == .inconsistent)
        #expect(error?.file == "a.jsonl")
        #expect(error?.message == "the allocation must hold every simulated cell exactly once: 1 cells missing (first: S[2]); "
            + "1 cells in more than one bucket (first: S[1]); 1 cells not simulated (first: S[7])")
    }

    @Test func roundRobinDealsCellsOverBucketsInGridOrder() {
        let a = Allocation.roundRobin(refs(Array(0..<7)), ranks: 2, cycles: 2)
        #expect(a.cells(inBucket: a.index(rank: 0, cycle: 0)) == refs([0, 4]))
        #expect(a.cells(inBucket: a.index(rank: 1, cycle: 0)) == refs([1, 5]))
        #expect(a.cells(inBucket: a.index(rank: 0, cycle: 1)) == refs([2, 6]))
        #expect(a.cells(inBucket: a.index(rank: 1, cycle: 1)) == refs([3]))
    }

    @Test func madeFromATableItSharesTheColumnsAndNamesTheCells() {
        var cells = CellTable()
        for (p, id) in [("S1", 4), ("S2", 7), ("S1", 9)] {
            cells.append(population: cells.population(p), nodeID: Int64(id), metype: cells.metype("M"), cellKiB: 1, synapses: 0, synapseKiB: 0)
        }
        let a = Allocation(grid: BucketGrid(ranks: 2, cycles: 1), cells: cells, kib: [1, 2, 3], buckets: [[2, 1], [0]])
        #expect(a.cellCount == 3)
        #expect(a.cells(inBucket: 0) == [CellRef(population: "S1", node: NodeID(9)), CellRef(population: "S2", node: NodeID(7))])
        #expect(a.cells(inBucket: 1) == [CellRef(population: "S1", node: NodeID(4))])
        // The same cells numbered otherwise are the same allocation; other memory is not.
        let named = Allocation(grid: a.grid, buckets: [a.cells(inBucket: 0), a.cells(inBucket: 1)])
        var withMemory = named
        withMemory.kib = [3, 2, 1]
        #expect(withMemory == a)
        withMemory.kib = [3, 2, 0]
        #expect(withMemory != a)
        #expect(named != a)
    }

    @Test func populationsListedFirstThenInTheOrderMet() {
        // Bucket 0 meets S3 before S2; S9 has no cell.
        var cells = Allocation.Cells()
        let s2 = cells.index("S2")
        _ = cells.index("S9")
        let s3 = cells.index("S3"), s1 = cells.index("S1")
        let ids = [cells.add(population: s2, nodeID: 0), cells.add(population: s3, nodeID: 1), cells.add(population: s1, nodeID: 2)]
        let a = cells.allocation(grid: BucketGrid(ranks: 2, cycles: 1), buckets: [[ids[1], ids[2]], [ids[0]]])
        let listed = a.listingPopulations(first: ["S1", "S0"])
        #expect(listed.populations == ["S1", "S0", "S3", "S2"])
        #expect(listed == a)
        #expect(listed.cells(inBucket: 0) == a.cells(inBucket: 0))
        // Already in that order: nothing moves.
        #expect(listed.listingPopulations(first: ["S1", "S0"]).population == listed.population)
    }
}
