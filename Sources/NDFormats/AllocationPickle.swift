import NDModel

/// Allocation pickles (`allocation_rR_cC.pkl.gz`), as neurodamus and nd-allocate write them.
public enum AllocationPickle {
    /// An allocation pickle: {population: {(rank, cycle): [gids]}}; R and C from the largest keys.
    public static func read(_ path: String) throws -> Allocation {
        guard case .dict(let pops) = try Pickle.decode(try Gzip.read(path), name: path) else {
            throw NDError(file: path, "expected a dict of populations")
        }
        var entries: [(CellRef, Int, Int)] = []
        var maxRank = -1, maxCycle = -1
        for (popKey, value) in pops {
            guard case .string(let pop) = popKey, case .dict(let buckets) = value else {
                throw NDError(file: path, "expected {population: {(rank, cycle): [gids]}}")
            }
            for (key, gids) in buckets {
                guard case .tuple(let rc) = key, rc.count == 2, case .int(let r) = rc[0], case .int(let c) = rc[1], r >= 0, c >= 0,
                      case .list(let list) = gids else {
                    throw NDError(file: path, "population \(pop): expected (rank, cycle) keys and lists of gids")
                }
                maxRank = max(maxRank, Int(r)); maxCycle = max(maxCycle, Int(c))
                for g in list {
                    guard case .int(let id) = g, id >= 0 else { throw NDError(file: path, "population \(pop): gids must be integers >= 0") }
                    entries.append((CellRef(population: pop, nodeID: Int(id)), Int(r), Int(c)))
                }
            }
        }
        let ranks = maxRank + 1, cycles = maxCycle + 1
        var buckets = [[CellRef]](repeating: [], count: max(ranks * cycles, 0))
        for (ref, r, c) in entries { buckets[c * ranks + r].append(ref) }
        return Allocation(ranks: ranks, cycles: cycles, buckets: buckets)
    }
}
