import NDBalance
import Testing

/// Expected counts come from numpy 2.4 (`numpy.histogram(values, bins=40)`).
@Suite struct UniformHistogramTests {
    @Test func equalValuesSpreadHalfAUnitEachSide() {
        let h = UniformHistogram([5, 5, 5])
        #expect(h.edges.first == 4.5)
        #expect(h.edges[20] == 5)
        #expect(h.edges.last == 5.5)
        #expect(h.counts[20] == 3)
        #expect(h.counts.reduce(0, +) == 3)
    }

    @Test func oneValueIsTheMiddleBin() {
        let h = UniformHistogram([7 * 1048576])
        #expect(h.counts.firstIndex(of: 1) == 20)
    }

    @Test func noValuesUseTheUnitRange() {
        let h = UniformHistogram([])
        #expect(h.edges.first == 0 && h.edges.last == 1)
        #expect(h.counts == Array(repeating: 0, count: 40))
    }

    @Test func valuesOnEdgesGoRightExceptTheLastEdge() {
        let h = UniformHistogram((0...40).map { Double($0) })
        #expect(h.counts == Array(repeating: 1, count: 39) + [2])
    }

    @Test func oneUlpCorrectionsMatchNumpy() {
        // 0.1 * k sits within an ulp of many edges: numpy's corrections decide the bin.
        let h = UniformHistogram((0...100).map { 0.1 * Double($0) })
        #expect(h.counts == (0..<39).map { $0 % 2 == 0 ? 3 : 2 } + [3])
        #expect(h.edges[7] == 1.75)
        let thirds = UniformHistogram((-30...30).map { Double($0) / 3 })
        #expect(thirds.counts == (0..<39).map { $0 % 2 == 0 ? 2 : 1 } + [2])
    }

    @Test func largeIntegerLoadsMatchNumpy() {
        let h = UniformHistogram((0..<57).map { Double(3 * 1048576 * $0 + 17) })
        let expected = [2, 1, 2, 1, 1, 2, 1, 2, 1, 1, 2, 1, 2, 1, 1, 2, 1, 2, 1, 1,
                        2, 1, 2, 1, 1, 2, 1, 2, 1, 1, 2, 1, 2, 1, 1, 2, 1, 2, 1, 2]
        #expect(h.counts == expected)
        #expect(h.edges[7] == 30828151.400000002)
        #expect(h.edges[33] == 145332650.6)
    }
}
