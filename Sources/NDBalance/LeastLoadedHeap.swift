import NDModel

/// A binary min-heap of bucket totals keyed by `(total, bucket index)`.
///
/// The key is a total order (indices are distinct), so the bucket popped is always the
/// least loaded one with the lowest index — the same choice Python's `heapq` makes on
/// `(size, index)` tuples, whatever the heap's internal layout.
public struct LeastLoadedHeap {
    private var totals: [ByteCount]
    private var indices: [Int]

    /// `buckets` empty buckets, all at total 0.
    public init(buckets: Int) {
        totals = [ByteCount](repeating: 0, count: buckets)
        indices = Array(0..<buckets)
    }

    /// Number of buckets.
    public var count: Int { indices.count }

    @inline(__always)
    private func less(_ i: Int, _ j: Int) -> Bool {
        totals[i] < totals[j] || (totals[i] == totals[j] && indices[i] < indices[j])
    }

    /// The least-loaded bucket and its total.
    public var top: (bucket: Int, total: ByteCount) { (indices[0], totals[0]) }

    /// Adds `size` to the least-loaded bucket and returns that bucket's index.
    @discardableResult
    public mutating func addToLeastLoaded(_ size: ByteCount) -> Int {
        let bucket = indices[0]
        totals[0] += size
        siftDown(0)
        return bucket
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = indices.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var m = l
            if l + 1 < n && less(l + 1, l) { m = l + 1 }
            if !less(m, i) { return }
            totals.swapAt(i, m)
            indices.swapAt(i, m)
            i = m
        }
    }

    /// Total of every bucket, by bucket index.
    public var totalsByBucket: [ByteCount] {
        var result = [ByteCount](repeating: 0, count: indices.count)
        for (k, b) in indices.enumerated() { result[b] = totals[k] }
        return result
    }
}
