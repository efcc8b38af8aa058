import NDModel

/// Allocation JSON-lines (version 1): one object per bucket,
/// `{"population":"S1","rank":0,"cycle":0,"gids":[3,0,7],"kb":1234.5}` — gids are 0-based
/// node ids of the population, in assignment order; `kb` is optional. A bucket holding
/// cells of several populations has one line per population.
public enum AllocationJSONLines {
    public static let formatVersion = 1

    public static func read(_ path: String) throws -> Allocation {
        let reader = try JSONLinesReader(path: path)
        var cells = Allocation.Cells()
        // Per line: its bucket and the cells it lists, numbered in order.
        var records: [(rank: Int, cycle: Int, cells: Range<Int>)] = []
        while let (line, value) = try reader.nextRecord() {
            guard let o = value.objectValue else { throw NDError(.malformed, file: path, line: line, "expected a JSON object per line") }
            if let v = o["version"]?.intValue, v > Int64(formatVersion) {
                throw NDError(.unsupported, file: path, line: line, "allocation format version \(v), this tool reads version \(formatVersion)")
            }
            guard let population = o["population"]?.stringValue else {
                throw NDError(.malformed, file: path, line: line, "\"population\": expected a string")
            }
            guard let rank = o["rank"]?.intValue, rank >= 0, let cycle = o["cycle"]?.intValue, cycle >= 0 else {
                throw NDError(.outOfRange, file: path, line: line, "\"rank\" and \"cycle\": expected integers >= 0")
            }
            // The bucket array is sized by the largest rank and cycle.
            guard rank < Int64(BucketGrid.maxCount), cycle < Int64(BucketGrid.maxCount),
                  BucketGrid.boundedProduct(Int(rank) + 1, Int(cycle) + 1) != nil else {
                throw NDError(.outOfRange, file: path, line: line, "rank \(rank), cycle \(cycle): at most \(BucketGrid.maxCount) buckets (ranks x cycles) are supported")
            }
            guard let gids = o["gids"]?.arrayValue else { throw NDError(.malformed, file: path, line: line, "\"gids\": expected a list") }
            let p = cells.index(population)
            let from = cells.population.count
            for g in gids {
                guard let id = g.intValue, id >= 0 else { throw NDError(.outOfRange, file: path, line: line, "\"gids\": expected integers >= 0") }
                _ = cells.add(population: p, nodeID: id)
            }
            records.append((Int(rank), Int(cycle), from..<cells.population.count))
        }
        guard !records.isEmpty else { throw NDError(.malformed, file: path, "no allocation records") }
        let ranks = records.map(\.rank).max()! + 1, cycles = records.map(\.cycle).max()! + 1
        guard BucketGrid.boundedProduct(ranks, cycles) != nil else {
            throw NDError(.outOfRange, file: path, "\(ranks) ranks x \(cycles) cycles: at most \(BucketGrid.maxCount) buckets are supported")
        }
        let grid = BucketGrid(ranks: ranks, cycles: cycles)
        var buckets = [[Int]](repeating: [], count: grid.count)
        for r in records { buckets[grid.index(rank: r.rank, cycle: r.cycle)].append(contentsOf: r.cells) }
        return cells.allocation(grid: grid, buckets: buckets)
    }

    /// One line per bucket and population, buckets in (cycle, rank) order; an empty bucket
    /// gets one line with no gids. `kb` is rounded to 0.1 (null when unknown).
    public static func write(_ a: Allocation, to sink: ByteSink) throws { try write(PopulationGroups(a), to: sink) }

    static func write(_ a: PopulationGroups, to sink: ByteSink) throws {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        func line(_ population: String, rank: Int, cycle: Int, nodeIDs: [Int64], kb: JSONValue) throws {
            // jansson writes everything but the gids (the strings' escaping, kb's digits);
            // the gids go where its empty list is.
            let text = try JSONCodec.encode(.object([
                "population": .string(population), "rank": .int(Int64(rank)), "cycle": .int(Int64(cycle)),
                "gids": .array([]), "kb": kb,
            ]))
            let bytes = Array(text.utf8)
            let marker = Array(#""gids":[]"#.utf8)
            guard let at = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }) else {
                throw NDError(.system, "allocation JSON-lines: cannot place the gids")
            }
            out.append(contentsOf: bytes[..<(at + marker.count - 1)])
            appendDecimalList(nodeIDs, to: &out)
            out.append(contentsOf: bytes[(at + marker.count - 1)...])
            out.append(0x0A)
            if out.count >= 1 << 20 { try sink.write(out); out.removeAll(keepingCapacity: true) }
        }
        for c in 0..<a.grid.cycles {
            for r in 0..<a.grid.ranks {
                let groups = a.buckets[a.grid.index(rank: r, cycle: c)]
                if groups.isEmpty {
                    try line(a.populations.first ?? "", rank: r, cycle: c, nodeIDs: [], kb: .double(0))
                }
                for g in groups {
                    try line(a.populations[g.population], rank: r, cycle: c, nodeIDs: g.nodeIDs,
                             kb: g.kib.map { .double(($0 * 10).rounded() / 10) } ?? .null)
                }
            }
        }
        if !out.isEmpty { try sink.write(out) }
    }
}

/// Appends `values` in decimal, separated by commas. Millions of them: the digits are
/// written through a pointer into room made once (20 digits and a sign or comma each at
/// most), two at a time from a table of "00" to "99", not appended byte by byte.
func appendDecimalList(_ values: [Int64], to out: inout [UInt8]) {
    guard !values.isEmpty else { return }
    let start = out.count
    out.append(contentsOf: repeatElement(0, count: values.count * 21))
    var table = [UInt8](repeating: 0, count: 200)
    for n in 0..<100 { table[2 * n] = UInt8(0x30 + n / 10); table[2 * n + 1] = UInt8(0x30 + n % 10) }
    let end = table.withUnsafeBufferPointer { pairs in
        out.withUnsafeMutableBufferPointer { buffer -> Int in
            let base = buffer.baseAddress!
            var k = start
            for (n, v) in values.enumerated() {
                if n > 0 { base[k] = 0x2C; k += 1 }
                if v < 0 { base[k] = 0x2D; k += 1 }
                var u = v.magnitude
                var digits = 1
                var scale: UInt64 = 10
                while digits < 20 && u >= scale { digits += 1; scale = scale &* 10 }
                var at = k + digits
                k = at
                while u >= 100 {
                    let pair = Int(u % 100) * 2
                    u /= 100
                    at -= 2
                    base[at] = pairs[pair]; base[at + 1] = pairs[pair + 1]
                }
                if u >= 10 {
                    base[at - 2] = pairs[Int(u) * 2]; base[at - 1] = pairs[Int(u) * 2 + 1]
                } else {
                    base[at - 1] = UInt8(0x30 + u)
                }
            }
            return k
        }
    }
    out.removeLast(out.count - end)
}
