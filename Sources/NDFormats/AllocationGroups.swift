import NDModel

/// An allocation as its files hold it: per bucket, the node ids of each population in
/// assignment order, with their memory. Both the pickle and the JSON-lines are written
/// from this, so that ten million gids are grouped once.
public struct AllocationGroups: Sendable {
    public struct Group: Sendable {
        public var population: Int
        public var nodeIDs: [Int64]
        /// Their memory [KiB], when known.
        public var kib: Double?
    }

    public var ranks: Int
    public var cycles: Int
    public var populations: [String]
    /// Per bucket (index `cycle * ranks + rank`): its non-empty groups, populations in order.
    public var buckets: [[Group]]

    /// From buckets of cell indices into `cells`; `kib` per cell when known.
    public init(ranks: Int, cycles: Int, cells: CellTable, buckets: [[Int]], kib: [Double]?) {
        self.ranks = ranks
        self.cycles = cycles
        populations = cells.populations
        self.buckets = buckets.map { bucket in
            var groups: [Group] = []
            if let first = bucket.first, bucket.allSatisfy({ cells.population[$0] == cells.population[first] }) {
                groups.append(Group(population: Int(cells.population[first]), nodeIDs: bucket.map { cells.nodeID[$0] },
                                    kib: kib.map { k in bucket.reduce(0) { $0 + k[$1] } }))
            } else if !bucket.isEmpty {
                var byPopulation = [[Int]](repeating: [], count: cells.populations.count)
                for i in bucket { byPopulation[Int(cells.population[i])].append(i) }
                for (p, members) in byPopulation.enumerated() where !members.isEmpty {
                    groups.append(Group(population: p, nodeIDs: members.map { cells.nodeID[$0] },
                                        kib: kib.map { k in members.reduce(0) { $0 + k[$1] } }))
                }
            }
            return groups
        }
    }

    /// From an allocation read back (a pickle): populations of `known` first, then any
    /// others in the order met; memory from `memory` when it is not empty.
    public init(_ allocation: Allocation, known: [String], memory: [CellRef: Double]) {
        ranks = allocation.ranks
        cycles = allocation.cycles
        var populations = known
        var index = Dictionary(uniqueKeysWithValues: known.enumerated().map { ($1, $0) })
        for bucket in allocation.buckets {
            for ref in bucket where index[ref.population] == nil {
                index[ref.population] = populations.count
                populations.append(ref.population)
            }
        }
        self.populations = populations
        buckets = allocation.buckets.map { bucket in
            var byPopulation = [[CellRef]](repeating: [], count: populations.count)
            for ref in bucket { byPopulation[index[ref.population]!].append(ref) }
            return byPopulation.enumerated().compactMap { p, refs in
                refs.isEmpty ? nil : Group(population: p, nodeIDs: refs.map { Int64($0.nodeID) },
                                           kib: memory.isEmpty ? nil : refs.reduce(0) { $0 + (memory[$1] ?? 0) })
            }
        }
    }

    public func index(rank: Int, cycle: Int) -> Int { cycle * ranks + rank }
}
