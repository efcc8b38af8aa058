import NDBalance
import NDModel
import Testing

@Suite struct AllocatorsTests {
    func problem(_ kib: [Double], metypes: [String]? = nil, population: String = "S1") -> AllocationProblem {
        var cells = CellTable()
        var tables: [String: Double] = [:]
        for (i, k) in kib.enumerated() {
            let metype = metypes?[i] ?? "M"
            cells.append(population: cells.population(population), nodeID: Int64(i), metype: cells.metype(metype),
                         cellKiB: k, synapses: 0, synapseKiB: 0)
            tables[metype] = k
        }
        return AllocationProblem(cells: cells, metypeMemoryKiB: tables.keys.sorted().map { ($0, tables[$0]!) }, metypeSynapseAverage: [:])
    }

    @Test func equalLoadsGoToBucketsInRankThenCycleOrder() {
        // Python's heapq on (0, (rank, cycle)) pops (0,0), (0,1), (1,0), (1,1).
        let a = Allocators.lpt(problem([1, 1, 1, 1]), ranks: 2, cycles: 2)
        #expect(a.cells(inBucket: a.index(rank: 0, cycle: 0)).map(\.node.rawValue) == [0])
        #expect(a.cells(inBucket: a.index(rank: 0, cycle: 1)).map(\.node.rawValue) == [1])
        #expect(a.cells(inBucket: a.index(rank: 1, cycle: 0)).map(\.node.rawValue) == [2])
        #expect(a.cells(inBucket: a.index(rank: 1, cycle: 1)).map(\.node.rawValue) == [3])
    }

    @Test func neurodamusBatchesRunAcrossMetypes() {
        // 40 cells on 2 buckets: batch = ceil(40 / 2 / 10) = 2; metype B (heavier) first.
        let kib = (0..<40).map { $0 < 20 ? 1.0 : 3.0 }
        let types = (0..<40).map { $0 < 20 ? "A" : "B" }
        let a = Allocators.neurodamus(problem(kib, metypes: types), ranks: 2, cycles: 1)
        #expect(a.cells(inBucket: 0).prefix(2).map(\.node.rawValue) == [20, 21])
        #expect(a.cells(inBucket: 1).prefix(2).map(\.node.rawValue) == [22, 23])
        #expect(a.buckets.map(\.count) == [20, 20])
        // 3 cells per bucket of 5 buckets: batch = max(1, ceil(3/10)) = 1 — one by one.
        let b = Allocators.neurodamus(problem([5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], metypes: nil), ranks: 5, cycles: 1)
        #expect(b.buckets.map(\.count) == [3, 3, 3, 3, 3])
    }

    @Test func refineSwapsWhereLptStops() {
        // lpt: {6, 3, 2} = 11 and {5, 4} = 9; no single move helps, swapping 6 and 5 gives 10 and 10.
        let kib: [Double] = [6, 5, 4, 3, 2]
        let lpt = AllocationStatistics(Allocators.lpt(problem(kib), ranks: 2, cycles: 1))
        #expect(lpt.bucketSummary.max == 11)
        let refinedAllocation = Allocators.refine(problem(kib), ranks: 2, cycles: 1, clock: { 0 })
        let refined = AllocationStatistics(refinedAllocation)
        #expect(refined.bucketSummary.max == 10)
        #expect(refined.bucketLowerBound == 10)
        #expect(refinedAllocation.buckets.indices.flatMap { refinedAllocation.cells(inBucket: $0) }.map(\.node.rawValue).sorted() == Array(0..<5))
        // On a harder case it never does worse than lpt.
        let many: [Double] = [9, 8, 7, 6, 5, 4, 3, 2, 2, 2, 1, 1]
        let a = AllocationStatistics(Allocators.lpt(problem(many), ranks: 5, cycles: 1))
        let b = AllocationStatistics(Allocators.refine(problem(many), ranks: 5, cycles: 1, clock: { 0 }))
        #expect(b.bucketSummary.max <= a.bucketSummary.max)
    }

    @Test func statisticsPerRankSumTheCycles() {
        let kib: [Double] = [4, 3, 2, 1]
        let a = Allocators.lpt(problem(kib), ranks: 2, cycles: 2)
        let s = AllocationStatistics(a)
        #expect(s.rankKiB.reduce(0, +) == 10)
        #expect(s.rankLowerBound == 5)
        #expect(s.emptyBuckets == 0)
        // Memory unknown (an allocation read back from a pickle alone): every load 0.
        var unknown = a
        unknown.kib = nil
        let u = AllocationStatistics(unknown)
        #expect(u.bucketKiB == [0, 0, 0, 0] && u.largestCellKiB == 0 && u.emptyBuckets == 0)
        // A largest cell given (one that is not allocated) bounds the buckets.
        #expect(AllocationStatistics(a, largestCellKiB: 9).bucketLowerBound == 9)
    }

    @Test func refineStopsAtTheToleranceAndKeepsLptWhenItIsThere() {
        // 40,000 cells of 1,000 to 1,100 KiB on 8 buckets: lpt ends within 1e-4 of the bound,
        // and refine returns its allocation as it is (the clock is never read).
        let kib = (0..<40_000).map { 1_000 + Double(($0 * 7_919) % 1_000) / 10 }
        let p = problem(kib)
        var clockReads = 0
        let refined = Allocators.refine(p, ranks: 4, cycles: 2, clock: { clockReads += 1; return 0 })
        #expect(refined.buckets == Allocators.lpt(p, ranks: 4, cycles: 2).buckets)
        #expect(clockReads == 0)
        let loads = refined.buckets.map { $0.reduce(0) { $0 + kib[$1] } }
        #expect(loads.max()! <= kib.reduce(0, +) / 8 * (1 + Allocators.refineTolerance))
    }

    @Test func largestFirstIsAStableSortOfTheMemories() {
        // Ties (and -0.0 beside 0.0) keep index order; bytes differing at every position of the bit pattern.
        let kib: [Double] = [1, 0, 3, 3, -0.0, 1e300, 2.5, 1, .leastNonzeroMagnitude, 1024.5, 1024.25, 0, 7]
        let p = problem(kib)
        let order = Allocators.lpt(p, ranks: 1, cycles: 1).buckets[0]
        let expected = kib.indices.sorted { kib[$0] > kib[$1] || (kib[$0] == kib[$1] && $0 < $1) }
        #expect(order == expected)
    }
}
