import NDModel

/// Allocation pickles (`allocation_rR_cC.pkl.gz`), as neurodamus and nd-allocate write them.
public enum AllocationPickle {
    /// The most an allocation pickle of `gzipped` bytes may decompress to: 32 times that,
    /// and at least 16 MiB. Allocations compress 2.5 to 5.3 times (nd-allocate's, and
    /// Python's with gids as lists or arrays, zlib level 1 to 9); a gzip bomb a thousand times.
    public static func maxDecompressedBytes(gzipped: Int) -> Int { max(16 << 20, 32 * gzipped) }

    /// An allocation pickle: {population: {(rank, cycle): [gids]}}; R and C from the largest keys.
    public static func read(_ path: String) throws -> Allocation {
        let gzipped = try FileBytes.read(path)
        let bytes = try Gzip.decompress(gzipped, name: path, limit: maxDecompressedBytes(gzipped: gzipped.count))
        guard case .dict(let pops) = try Pickle.decode(bytes, name: path) else {
            throw NDError(.malformed, file: path, "expected a dict of populations")
        }
        var cells = Allocation.Cells()
        // Per (rank, cycle) key met: the cells it lists, numbered in order.
        var keys: [(rank: Int, cycle: Int, cells: Range<Int>)] = []
        var maxRank = -1, maxCycle = -1
        for (popKey, value) in pops {
            guard case .string(let pop) = popKey, case .dict(let buckets) = value else {
                throw NDError(.malformed, file: path, "expected {population: {(rank, cycle): [gids]}}")
            }
            let p = cells.index(pop)
            for (key, gids) in buckets {
                guard case .tuple(let rc) = key, rc.count == 2, case .int(let r) = rc[0], case .int(let c) = rc[1], r >= 0, c >= 0,
                      case .list(let list) = gids else {
                    throw NDError(.malformed, file: path, "population \(pop): expected (rank, cycle) keys and lists of gids")
                }
                // The bucket array is sized by the largest rank and cycle.
                guard r < Int64(BucketGrid.maxCount), c < Int64(BucketGrid.maxCount) else {
                    throw NDError(.outOfRange, file: path, "population \(pop): bucket (\(r), \(c)): at most \(BucketGrid.maxCount) buckets (ranks x cycles) are supported")
                }
                maxRank = max(maxRank, Int(r)); maxCycle = max(maxCycle, Int(c))
                let from = cells.population.count
                for g in list {
                    guard case .int(let id) = g, id >= 0 else { throw NDError(.outOfRange, file: path, "population \(pop): gids must be integers >= 0") }
                    _ = cells.add(population: p, nodeID: id)
                }
                keys.append((Int(r), Int(c), from..<cells.population.count))
            }
        }
        let ranks = maxRank + 1, cycles = maxCycle + 1
        guard ranks <= 0 || cycles <= 0 || BucketGrid.boundedProduct(ranks, cycles) != nil else {
            throw NDError(.outOfRange, file: path, "\(ranks) ranks x \(cycles) cycles: at most \(BucketGrid.maxCount) buckets are supported")
        }
        let grid = BucketGrid(ranks: ranks, cycles: cycles)
        var buckets = [[Int]](repeating: [], count: grid.count)
        for key in keys { buckets[grid.index(rank: key.rank, cycle: key.cycle)].append(contentsOf: key.cells) }
        return cells.allocation(grid: grid, buckets: buckets)
    }
}

extension AllocationPickle {
    /// {population: {(rank, cycle): [gids]}} with non-empty buckets only, keys in (rank,
    /// cycle) order, as neurodamus pickles it.
    public static func encode(_ a: Allocation) -> [UInt8] { encode(PopulationGroups(a)) }

    static func encode(_ a: PopulationGroups) -> [UInt8] {
        var w = PickleWriter(reserving: a.buckets.reduce(0) { $0 + $1.reduce(0) { $0 + $1.nodeIDs.count * 5 } })
        w.emptyDict()
        if !a.populations.isEmpty { w.mark() }
        for (p, name) in a.populations.enumerated() {
            w.string(name)
            w.emptyDict()
            var inBatch = 0
            for r in 0..<a.grid.ranks {
                for c in 0..<a.grid.cycles {
                    guard let group = a.buckets[a.grid.index(rank: r, cycle: c)].first(where: { $0.population == p }) else { continue }
                    if inBatch == 0 { w.mark() }
                    w.mark(); w.int(Int64(r)); w.int(Int64(c)); w.tuple()
                    w.intList(group.nodeIDs)
                    inBatch += 1
                    if inBatch == 1000 { w.setItems(); inBatch = 0 }
                }
            }
            if inBatch > 0 { w.setItems() }
        }
        if !a.populations.isEmpty { w.setItems() }
        return w.finish()
    }
}
