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
        let a = Allocators.lpt(problem([1, 1, 1, 1]), ranks: 2, cycles: 2).allocation(problem([1, 1, 1, 1]).cells)
        #expect(a.buckets[a.index(rank: 0, cycle: 0)].map(\.nodeID) == [0])
        #expect(a.buckets[a.index(rank: 0, cycle: 1)].map(\.nodeID) == [1])
        #expect(a.buckets[a.index(rank: 1, cycle: 0)].map(\.nodeID) == [2])
        #expect(a.buckets[a.index(rank: 1, cycle: 1)].map(\.nodeID) == [3])
    }

    @Test func neurodamusBatchesRunAcrossMetypes() {
        // 40 cells on 2 buckets: batch = ceil(40 / 2 / 10) = 2; metype B (heavier) first.
        let kib = (0..<40).map { $0 < 20 ? 1.0 : 3.0 }
        let types = (0..<40).map { $0 < 20 ? "A" : "B" }
        let a = Allocators.neurodamus(problem(kib, metypes: types), ranks: 2, cycles: 1).allocation(problem(kib, metypes: types).cells)
        #expect(a.buckets[0].prefix(2).map(\.nodeID) == [20, 21])
        #expect(a.buckets[1].prefix(2).map(\.nodeID) == [22, 23])
        #expect(a.buckets.map(\.count) == [20, 20])
        // 3 cells per bucket of 5 buckets: batch = max(1, ceil(3/10)) = 1 — one by one.
        let b = Allocators.neurodamus(problem([5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], metypes: nil), ranks: 5, cycles: 1).allocation(problem([5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], metypes: nil).cells)
        #expect(b.buckets.map(\.count) == [3, 3, 3, 3, 3])
    }

    @Test func refineSwapsWhereLptStops() {
        // lpt: {6, 3, 2} = 11 and {5, 4} = 9; no single move helps, swapping 6 and 5 gives 10 and 10.
        let kib: [Double] = [6, 5, 4, 3, 2]
        let memory = Dictionary(uniqueKeysWithValues: kib.enumerated().map { (CellRef(population: "S1", nodeID: $0), $1) })
        let lpt = AllocationStatistics(Allocators.lpt(problem(kib), ranks: 2, cycles: 1).allocation(problem(kib).cells), memory: memory)
        #expect(lpt.bucketSummary.max == 11)
        let refinedAllocation = Allocators.refine(problem(kib), ranks: 2, cycles: 1, clock: { 0 }).allocation(problem(kib).cells)
        let refined = AllocationStatistics(refinedAllocation, memory: memory)
        #expect(refined.bucketSummary.max == 10)
        #expect(refined.bucketLowerBound == 10)
        #expect(refinedAllocation.buckets.flatMap { $0 }.map(\.nodeID).sorted() == Array(0..<5))
        // On a harder case it never does worse than lpt.
        let many: [Double] = [9, 8, 7, 6, 5, 4, 3, 2, 2, 2, 1, 1]
        let m2 = Dictionary(uniqueKeysWithValues: many.enumerated().map { (CellRef(population: "S1", nodeID: $0), $1) })
        let a = AllocationStatistics(Allocators.lpt(problem(many), ranks: 5, cycles: 1).allocation(problem(many).cells), memory: m2)
        let b = AllocationStatistics(Allocators.refine(problem(many), ranks: 5, cycles: 1, clock: { 0 }).allocation(problem(many).cells), memory: m2)
        #expect(b.bucketSummary.max <= a.bucketSummary.max)
    }

    @Test func statisticsPerRankSumTheCycles() {
        let kib: [Double] = [4, 3, 2, 1]
        let memory = Dictionary(uniqueKeysWithValues: kib.enumerated().map { (CellRef(population: "S1", nodeID: $0), $1) })
        let a = Allocators.lpt(problem(kib), ranks: 2, cycles: 2).allocation(problem(kib).cells)
        let s = AllocationStatistics(a, memory: memory)
        #expect(s.rankKiB.reduce(0, +) == 10)
        #expect(s.rankLowerBound == 5)
        #expect(s.emptyBuckets == 0)
    }
}
