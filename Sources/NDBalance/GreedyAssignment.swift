import NDModel

/// Items assigned to buckets by the greedy "largest first, to the least loaded" rule.
public struct GreedyAssignment: Equatable {
    /// Item indices per bucket, in the order they were assigned.
    public var members: [[Int]]
    /// Total size per bucket.
    public var totals: [ByteCount]

    /// Assigns items of `sizes` to `buckets` buckets: items sorted by size, largest first,
    /// equal sizes keeping their input order (a stable sort, as Python's `sorted(...,
    /// reverse=True)`); each item goes to the bucket with the least total so far, ties to
    /// the lowest bucket index. `items` restricts the assignment to those indices.
    public init(sizes: [ByteCount], buckets: Int, items: [Int]? = nil) {
        precondition(buckets > 0, "GreedyAssignment needs at least one bucket")
        var order = items ?? Array(sizes.indices)
        // (size descending, index ascending) is a total order: an unstable sort gives the
        // stable result.
        order.sort { sizes[$0] > sizes[$1] || (sizes[$0] == sizes[$1] && $0 < $1) }
        var heap = LeastLoadedHeap<ByteCount>(buckets: buckets)
        var members = [[Int]](repeating: [], count: buckets)
        for item in order {
            members[heap.addToLeastLoaded(sizes[item])].append(item)
        }
        self.members = members
        self.totals = heap.loadsByKey
    }
}
