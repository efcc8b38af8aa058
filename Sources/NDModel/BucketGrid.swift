/// R ranks × C model-building cycles: the buckets an allocation fills.
///
/// Bucket (rank, cycle) has index `cycle · R + rank` — the order files.dat lists entries
/// in, cycle by cycle, rank by rank. This is the one place that says so; everything else
/// asks the grid.
public struct BucketGrid: Hashable, Sendable {
    public let ranks: Int
    public let cycles: Int

    /// The most ranks, cycles, or ranks × cycles (and machines × ranks per machine) any
    /// tool accepts: 2^24 = 16,777,216, beyond the largest machines (the arrays of
    /// buckets and ranks are sized by these numbers, so a typo must not allocate them).
    public static let maxCount = 1 << 24

    /// Nil when `a` × `b` is above `maxCount` (or either is): the product, else.
    public static func boundedProduct(_ a: Int, _ b: Int) -> Int? {
        guard a <= maxCount, b <= maxCount else { return nil }
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || p > maxCount ? nil : p
    }

    public init(ranks: Int, cycles: Int) {
        self.ranks = ranks
        self.cycles = cycles
    }

    /// Number of buckets, R · C.
    public var count: Int { ranks * cycles }

    @inline(__always) public func index(rank: Int, cycle: Int) -> Int { cycle * ranks + rank }
    @inline(__always) public func rank(ofBucket index: Int) -> Int { index % ranks }
    @inline(__always) public func cycle(ofBucket index: Int) -> Int { index / ranks }

    /// The bucket at position `k` of (rank, cycle) order — rank 0's cycles first — the
    /// order neurodamus's heap breaks ties in and its pickle lists buckets in.
    @inline(__always) public func index(rankMajor k: Int) -> Int { index(rank: k / cycles, cycle: k % cycles) }
}
