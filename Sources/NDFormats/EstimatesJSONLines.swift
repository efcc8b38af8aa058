import NDModel

/// The estimates JSON-lines (nd-estimate → nd-allocate), version 1: see `CellEstimate`.
public enum EstimatesJSONLines {
    public static let formatVersion = 1

    /// KiB values are written with 0.1 KiB resolution.
    static func round(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    public static func record(_ e: CellEstimate) -> JSONObject {
        [
            "population": .string(e.population), "gid": .int(Int64(e.nodeID)), "metype": .string(e.metype),
            "cell_kb": .double(round(e.cellKiB)),
            "synapses": e.synapses.rounded() == e.synapses ? .int(Int64(e.synapses)) : .double(round(e.synapses)),
            "synapse_kb": .double(round(e.synapseKiB)), "total_kb": .double(round(e.totalKiB)),
        ]
    }

    /// Reads every record of `path` (`-` for stdin) into a table, keys in any order,
    /// unknown keys skipped.
    public static func read(_ path: String) throws -> CellTable {
        let reader = try JSONLinesReader(path: path)
        var table = CellTable()
        var scanner = JSONScanner(UnsafeBufferPointer(start: nil, count: 0), file: path)
        var populations = ByteStringIndex(), metypes = ByteStringIndex()
        while try reader.nextLine({ line, bytes in
            scanner.restart(bytes, line: line)
            try scanner.beginObject()
            var gid: Int64 = -1
            var cellKiB = -1.0, synapses = -1.0, synapseKiB = -1.0
            var population: Int32 = -1, metype: Int32 = -1
            while let key = try scanner.nextKey() {
                if key.spells("population") || key.spells("metype") {
                    let isPopulation = key.count == 10
                    guard scanner.peek() == 0x22 else {
                        throw scanner.error("\"\(isPopulation ? "population" : "metype")\": expected a string")
                    }
                    let name = try scanner.stringView()
                    if isPopulation {
                        population = populations.index(of: name) { table.population($0) }
                    } else {
                        metype = metypes.index(of: name) { table.metype($0) }
                    }
                } else if key.spells("gid") {
                    gid = try scanner.int()
                    guard gid >= 0 else { throw scanner.error("\"gid\": expected an integer >= 0") }
                } else if key.spells("cell_kb") {
                    cellKiB = try scanner.double()
                } else if key.spells("synapses") {
                    synapses = try scanner.double()
                } else if key.spells("synapse_kb") {
                    synapseKiB = try scanner.double()
                } else {
                    try scanner.skipValue()
                }
            }
            try scanner.expectEnd()
            guard population >= 0 && metype >= 0 else { throw NDError(file: path, line: line, "\"population\" and \"metype\": expected strings") }
            guard gid >= 0 else { throw NDError(file: path, line: line, "\"gid\": expected an integer >= 0") }
            guard cellKiB >= 0 && synapses >= 0 && synapseKiB >= 0 else {
                let name = cellKiB < 0 ? "cell_kb" : synapses < 0 ? "synapses" : "synapse_kb"
                throw NDError(file: path, line: line, "\"\(name)\": expected a number >= 0")
            }
            table.append(population: population, nodeID: gid, metype: metype, cellKiB: cellKiB, synapses: synapses, synapseKiB: synapseKiB)
        }) {}
        return table
    }
}

/// Names met as bytes, mapped to their index without making a String each time: the
/// last one is remembered (consecutive records mostly repeat it), the rest found by an
/// FNV-1a hash of the bytes (one integer to hash, not a byte at a time).
struct ByteStringIndex {
    private var last: [UInt8] = []
    private var lastIndex: Int32 = -1
    private var known: [UInt64: [(bytes: [UInt8], index: Int32)]] = [:]

    mutating func index(of bytes: UnsafeBufferPointer<UInt8>, adding add: (String) -> Int32) -> Int32 {
        if lastIndex >= 0 && bytes.elementsEqual(last) { return lastIndex }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        let i: Int32
        if let k = known[hash]?.first(where: { bytes.elementsEqual($0.bytes) }) {
            i = k.index
        } else {
            i = add(String(decoding: bytes, as: UTF8.self))
            known[hash, default: []].append((Array(bytes), i))
        }
        // Copied, not shared: the caller reuses its array.
        last.removeAll(keepingCapacity: true)
        last.append(contentsOf: bytes)
        lastIndex = i
        return i
    }
}
