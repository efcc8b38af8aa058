import NDModel

/// An allocation's buckets as its files list them: per bucket, the node ids of each
/// population in assignment order, with their memory. A view of `Allocation` made at the
/// codec edge, once for both files, so that ten million gids are grouped once when the
/// pickle and the JSON-lines are written together.
struct PopulationGroups: Sendable {
    struct Group: Sendable {
        var population: Int
        var nodeIDs: [Int64]
        /// Their memory [KiB], when known.
        var kib: Double?
    }

    var grid: BucketGrid
    var populations: [String]
    /// Per bucket (`grid`'s order): its non-empty groups, populations in `populations`' order.
    var buckets: [[Group]]

    init(_ a: Allocation) {
        grid = a.grid
        populations = a.populations
        let populationCount = a.populations.count
        let kib = a.kib
        let memory = kib ?? []
        // Through buffer pointers: ten million lookups into the columns.
        buckets = a.population.withUnsafeBufferPointer { population in
            a.nodeID.withUnsafeBufferPointer { nodeID in
                memory.withUnsafeBufferPointer { memory in
                    a.buckets.map { bucket -> [Group] in
                        guard let first = bucket.first else { return [] }
                        let p0 = population[first]
                        func group(_ p: Int, _ members: [Int]) -> Group {
                            Group(population: p, nodeIDs: members.map { nodeID[$0] },
                                  kib: kib == nil ? nil : members.reduce(0) { $0 + memory[$1] })
                        }
                        // One pass for the usual bucket, of one population.
                        var ids = [Int64](repeating: 0, count: bucket.count)
                        var sum = 0.0
                        var mixed = false
                        for (k, i) in bucket.enumerated() {
                            if population[i] != p0 { mixed = true; break }
                            ids[k] = nodeID[i]
                            if kib != nil { sum += memory[i] }
                        }
                        if !mixed { return [Group(population: Int(p0), nodeIDs: ids, kib: kib == nil ? nil : sum)] }
                        var byPopulation = [[Int]](repeating: [], count: populationCount)
                        for i in bucket { byPopulation[Int(population[i])].append(i) }
                        return byPopulation.enumerated().compactMap { p, members in members.isEmpty ? nil : group(p, members) }
                    }
                }
            }
        }
    }
}
