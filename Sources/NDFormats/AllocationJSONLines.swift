import NDModel

/// Allocation JSON-lines (version 1): one object per bucket,
/// `{"population":"S1","rank":0,"cycle":0,"gids":[3,0,7],"kb":1234.5}` — gids are 0-based
/// node ids of the population, in assignment order; `kb` is optional. A bucket holding
/// cells of several populations has one line per population.
public enum AllocationJSONLines {
    public static let formatVersion = 1

    public static func read(_ path: String) throws -> Allocation {
        let reader = try JSONLinesReader(path: path)
        var records: [(rank: Int, cycle: Int, cells: [CellRef])] = []
        while let (line, value) = try reader.nextRecord() {
            guard let o = value.objectValue else { throw NDError(file: path, line: line, "expected a JSON object per line") }
            if let v = o["version"]?.intValue, v > Int64(formatVersion) {
                throw NDError(file: path, line: line, "allocation format version \(v), this tool reads version \(formatVersion)")
            }
            guard let population = o["population"]?.stringValue else {
                throw NDError(file: path, line: line, "\"population\": expected a string")
            }
            guard let rank = o["rank"]?.intValue, rank >= 0, let cycle = o["cycle"]?.intValue, cycle >= 0 else {
                throw NDError(file: path, line: line, "\"rank\" and \"cycle\": expected integers >= 0")
            }
            guard let gids = o["gids"]?.arrayValue else { throw NDError(file: path, line: line, "\"gids\": expected a list") }
            let cells = try gids.map { g -> CellRef in
                guard let id = g.intValue, id >= 0 else { throw NDError(file: path, line: line, "\"gids\": expected integers >= 0") }
                return CellRef(population: population, nodeID: Int(id))
            }
            records.append((Int(rank), Int(cycle), cells))
        }
        guard !records.isEmpty else { throw NDError(file: path, "no allocation records") }
        let ranks = records.map(\.rank).max()! + 1, cycles = records.map(\.cycle).max()! + 1
        var buckets = [[CellRef]](repeating: [], count: ranks * cycles)
        for r in records { buckets[r.cycle * ranks + r.rank] += r.cells }
        return Allocation(ranks: ranks, cycles: cycles, buckets: buckets)
    }
}
