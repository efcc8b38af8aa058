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
    /// Per bucket (`BucketGrid`'s order): its non-empty groups, populations in order.
    public var buckets: [[Group]]

    /// From buckets of cell indices into `cells`; `kib` per cell when known.
    public init(ranks: Int, cycles: Int, cells: CellTable, buckets: [[Int]], kib: [Double]?) {
        self.ranks = ranks
        self.cycles = cycles
        populations = cells.populations
        let populationCount = cells.populations.count
        let memory = kib ?? []
        // Through buffer pointers: ten million lookups into the table's columns.
        self.buckets = cells.population.withUnsafeBufferPointer { population in
            cells.nodeID.withUnsafeBufferPointer { nodeID in
                memory.withUnsafeBufferPointer { memory in
                    buckets.map { bucket -> [Group] in
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

    public func index(rank: Int, cycle: Int) -> Int { BucketGrid(ranks: ranks, cycles: cycles).index(rank: rank, cycle: cycle) }
}
