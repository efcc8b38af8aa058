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

    public init(_ allocation: Allocation, memory: [CellRef: Double]) {
        let buckets = allocation.buckets.map { $0.reduce(0) { $0 + (memory[$1] ?? 0) } }
        bucketKiB = buckets
        rankKiB = (0..<allocation.ranks).map { r in (0..<allocation.cycles).reduce(0) { $0 + buckets[allocation.index(rank: r, cycle: $1)] } }
        bucketSummary = LoadSummary(bucketKiB)
        rankSummary = LoadSummary(rankKiB)
        largestCellKiB = memory.values.max() ?? 0
        let total = bucketKiB.reduce(0, +)
        bucketLowerBound = max(total / Double(max(bucketKiB.count, 1)), largestCellKiB)
        // A rank holds C buckets: its bound is the total over R, at least the largest cell.
        rankLowerBound = max(total / Double(max(allocation.ranks, 1)), largestCellKiB)
        emptyBuckets = allocation.buckets.filter(\.isEmpty).count
    }
}
