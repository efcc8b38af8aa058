import NDModel

/// A min-heap of buckets keyed by `(load, key)`, four children a node: half the depth
/// of a binary heap, and a node's children side by side in memory (for 4,000 buckets,
/// six levels instead of twelve on each of ten million additions).
///
/// The key is a total order (keys are distinct), so the bucket popped is always the least
/// loaded one with the smallest key — the same choice Python's `heapq` makes on
/// `(load, key)` tuples, whatever the heap's internal layout.
public struct LeastLoadedHeap<Load: Comparable & AdditiveArithmetic> {
    /// A bucket's load and key side by side: a step down the heap reads both children
    /// from one or two cache lines (ten million steps of twelve levels for 4,000 buckets).
    private struct Entry {
        var load: Load
        var key: Int
        @inline(__always) static func < (a: Entry, b: Entry) -> Bool { a.load < b.load || (a.load == b.load && a.key < b.key) }
    }
    private var entries: [Entry]

    /// Buckets with these keys (distinct), all at zero load.
    public init(keys: [Int]) {
        entries = keys.map { Entry(load: .zero, key: $0) }
        for i in stride(from: (keys.count - 2) / 4, through: 0, by: -1) { siftDown(i) }
    }

    /// Buckets 0..<buckets, all at zero load.
    public init(buckets: Int) { self.init(keys: Array(0..<buckets)) }

    /// Number of buckets.
    public var count: Int { entries.count }

    /// Adds `amount` to the least-loaded bucket and returns that bucket's key.
    @discardableResult
    public mutating func addToLeastLoaded(_ amount: Load) -> Int {
        let key = entries[0].key
        entries[0].load += amount
        siftDown(0)
        return key
    }

    /// Moves entry `start` down to its place: children move up into the hole it leaves,
    /// and it is written once, where it stops.
    private mutating func siftDown(_ start: Int) {
        entries.withUnsafeMutableBufferPointer { e in
            let n = e.count
            let moving = e[start]
            var i = start
            while true {
                let first = 4 * i + 1
                if first >= n { break }
                var m = first
                for c in (first + 1)..<min(first + 4, n) where e[c] < e[m] { m = c }
                if !(e[m] < moving) { break }
                e[i] = e[m]
                i = m
            }
            e[i] = moving
        }
    }

    /// Load of every bucket, by key (keys must be 0..<count).
    public var loadsByKey: [Load] {
        var result = [Load](repeating: .zero, count: entries.count)
        for e in entries { result[e.key] = e.load }
        return result
    }
}
