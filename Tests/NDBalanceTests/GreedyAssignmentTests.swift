import NDBalance
import NDModel
import Testing

@Suite struct GreedyAssignmentTests {
    @Test func tiesGoToTheLowestBucket() {
        let a = GreedyAssignment(sizes: [5, 5, 5, 5], buckets: 3)
        #expect(a.members == [[0, 3], [1], [2]])
        #expect(a.totals == [10, 5, 5])
    }

    @Test func equalSizesKeepTheirInputOrder() {
        let a = GreedyAssignment(sizes: [1, 9, 1, 9, 1], buckets: 2)
        // sorted: 9(1) 9(3) 1(0) 1(2) 1(4)
        #expect(a.members == [[1, 0, 4], [3, 2]])
        #expect(a.totals == [11, 10])
    }

    @Test func largestFirstToTheLeastLoaded() {
        let a = GreedyAssignment(sizes: [400, 10, 10, 10, 10, 10, 10, 10, 10, 10], buckets: 3)
        #expect(a.members == [[0], [1, 3, 5, 7, 9], [2, 4, 6, 8]])
    }

    @Test func matchesAPythonHeapqSimulation() {
        // A reference model of the python tool's loop: heappop the smallest (size, index).
        var seed: UInt64 = 12345
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        for buckets in [1, 2, 3, 7, 16] {
            let sizes = (0..<300).map { _ in ByteCount(next() % 20) * 1000 }
            let order = sizes.indices.sorted { sizes[$0] > sizes[$1] || (sizes[$0] == sizes[$1] && $0 < $1) }
            var heap = (0..<buckets).map { (ByteCount(0), $0) }
            var expected = [[Int]](repeating: [], count: buckets)
            for item in order {
                let k = heap.indices.min { heap[$0] < heap[$1] }!
                expected[heap[k].1].append(item)
                heap[k].0 += sizes[item]
            }
            #expect(GreedyAssignment(sizes: sizes, buckets: buckets).members == expected)
        }
    }

    @Test func itemsRestrictTheAssignment() {
        let a = GreedyAssignment(sizes: [8, 1, 7, 2, 6], buckets: 2, items: [4, 2, 0])
        #expect(a.members == [[0], [2, 4]])
        #expect(a.totals == [8, 13])
    }
}
