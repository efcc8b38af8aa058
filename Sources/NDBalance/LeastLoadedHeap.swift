import NDModel

/// A binary min-heap of buckets keyed by `(load, key)`.
///
/// The key is a total order (keys are distinct), so the bucket popped is always the least
/// loaded one with the smallest key — the same choice Python's `heapq` makes on
/// `(load, key)` tuples, whatever the heap's internal layout.
public struct LeastLoadedHeap<Load: Comparable & AdditiveArithmetic> {
    private var loads: [Load]
    private var keys: [Int]

    /// Buckets with these keys (distinct), all at zero load.
    public init(keys: [Int]) {
        loads = [Load](repeating: .zero, count: keys.count)
        self.keys = keys
        for i in stride(from: keys.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    /// Buckets 0..<buckets, all at zero load.
    public init(buckets: Int) { self.init(keys: Array(0..<buckets)) }

    /// Number of buckets.
    public var count: Int { keys.count }

    @inline(__always)
    private func less(_ i: Int, _ j: Int) -> Bool {
        loads[i] < loads[j] || (loads[i] == loads[j] && keys[i] < keys[j])
    }

    /// Adds `amount` to the least-loaded bucket and returns that bucket's key.
    @discardableResult
    public mutating func addToLeastLoaded(_ amount: Load) -> Int {
        let key = keys[0]
        loads[0] += amount
        siftDown(0)
        return key
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = keys.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var m = l
            if l + 1 < n && less(l + 1, l) { m = l + 1 }
            if !less(m, i) { return }
            loads.swapAt(i, m)
            keys.swapAt(i, m)
            i = m
        }
    }

    /// Load of every bucket, by key (keys must be 0..<count).
    public var loadsByKey: [Load] {
        var result = [Load](repeating: .zero, count: keys.count)
        for (k, b) in keys.enumerated() { result[b] = loads[k] }
        return result
    }
}
