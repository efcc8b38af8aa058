import NDModel

/// The balance of an allocation: loads per bucket and per rank, their summaries and the
/// lower bound `max(total / n, largest cell)` no allocation can beat.
public struct AllocationStatistics: Sendable {
    public var bucketKiB: [Double]
    public var rankKiB: [Double]
    public var bucketSummary: LoadSummary
    public var rankSummary: LoadSummary
    public var largestCellKiB: Double
    public var bucketLowerBound: Double
    public var rankLowerBound: Double
    public var emptyBuckets: Int

    /// From the load of each bucket (`BucketGrid`'s order) and the largest cell.
    public init(bucketKiB: [Double], ranks: Int, cycles: Int, largestCellKiB: Double, emptyBuckets: Int) {
        self.bucketKiB = bucketKiB
        let grid = BucketGrid(ranks: ranks, cycles: cycles)
        rankKiB = (0..<ranks).map { r in (0..<cycles).reduce(0) { $0 + bucketKiB[grid.index(rank: r, cycle: $1)] } }
        bucketSummary = LoadSummary(bucketKiB)
        rankSummary = LoadSummary(rankKiB)
        self.largestCellKiB = largestCellKiB
        let total = bucketKiB.reduce(0, +)
        bucketLowerBound = max(total / Double(max(bucketKiB.count, 1)), largestCellKiB)
        // A rank holds C buckets: its bound is the total over R, at least the largest cell.
        rankLowerBound = max(total / Double(max(ranks, 1)), largestCellKiB)
        self.emptyBuckets = emptyBuckets
    }

    /// The balance of `allocation` by its cells' memory (none known: every load 0); the
    /// largest cell is the largest allocated one unless given.
    public init(_ allocation: Allocation, largestCellKiB: Double? = nil) {
        let kib = allocation.kib
        let bucketKiB = kib?.withUnsafeBufferPointer { kib in allocation.buckets.map { $0.reduce(0) { $0 + kib[$1] } } }
        self.init(bucketKiB: bucketKiB ?? Array(repeating: 0, count: allocation.buckets.count),
                  ranks: allocation.ranks, cycles: allocation.cycles, largestCellKiB: largestCellKiB ?? kib?.max() ?? 0,
                  emptyBuckets: allocation.buckets.filter(\.isEmpty).count)
    }
}
