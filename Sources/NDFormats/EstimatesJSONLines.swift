#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NDModel

/// The estimates JSON-lines (nd-estimate → nd-allocate), version 1: see `CellEstimate`.
public enum EstimatesJSONLines {
    public static let formatVersion = 1

    /// KiB values are written with 0.1 KiB resolution.
    static func round(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    public static func record(_ e: CellEstimate) -> JSONObject {
        [
            "population": .string(e.population), "gid": .int(Int64(e.node.rawValue)), "metype": .string(e.metype),
            "cell_kb": .double(round(e.cellKiB)),
            "synapses": e.synapses.rounded() == e.synapses ? .int(Int64(e.synapses)) : .double(round(e.synapses)),
            "synapse_kb": .double(round(e.synapseKiB)), "total_kb": .double(round(e.totalKiB)),
        ]
    }

    /// Reads every record of `path` (`-` for stdin) into a table, keys in any order,
    /// unknown keys skipped. A regular file is mapped and, from 16 MiB, read in parts at
    /// once, one per core (ten million records are 1.3 GB): the parts' tables join in
    /// file order, and an error is the first in the file, with its line number there.
    public static func read(_ path: String) throws -> CellTable {
        guard let mapped = try MappedFile(path) else {
            let table = try readStreaming(path)
            try checkEachCellOnce(table, path: path, text: nil)
            return table
        }
        let table = try readMapped(mapped.bytes, path: path)
        try checkEachCellOnce(table, path: path, text: mapped.bytes)
        return table
    }

    /// A cell estimated twice would be allocated twice: an error naming both lines
    /// (records, when the input was a pipe and is gone).
    private static func checkEachCellOnce(_ table: CellTable, path: String, text: UnsafeBufferPointer<UInt8>?) throws {
        guard let (earlier, again) = table.firstRepeated() else { return }
        let cell = table.ref(again)
        guard let text else {
            throw NDError(.inconsistent, file: path, "cell \(cell) estimated twice (records \(earlier + 1) and \(again + 1))")
        }
        // The lines of records `earlier` and `again`: blank lines hold none.
        var lines: [Int] = [], record = 0, line = 0, start = 0
        while start < text.count && lines.count < 2 {
            var end = start
            while end < text.count && text[end] != 0x0A { end += 1 }
            line += 1
            if text[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                if record == earlier || record == again { lines.append(line) }
                record += 1
            }
            start = end + 1
        }
        throw NDError(.inconsistent, file: path, line: lines.last, "cell \(cell) estimated again (first on line \(lines.first ?? 0))")
    }

    private static func readMapped(_ text: UnsafeBufferPointer<UInt8>, path: String) throws -> CellTable {
        let parts = text.count >= 16 << 20 ? max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) : 1
        // Part boundaries just after a newline.
        var bounds = [0]
        for k in 1..<parts {
            var at = max(text.count * k / parts, bounds.last!)
            while at < text.count && text[at - 1] != 0x0A { at += 1 }
            bounds.append(at)
        }
        bounds.append(text.count)
        var results = [Result<(table: CellTable, lines: Int), Error>](repeating: .failure(NDError(.system, "not read")), count: parts)
        results.withUnsafeMutableBufferPointer { results in
            let out = SendablePointer(results.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                let part = UnsafeBufferPointer(rebasing: text[bounds[k]..<bounds[k + 1]])
                out.pointer[k] = Result { try readLines(part, path: path) }
            }
        }
        var table = CellTable()
        var linesBefore = 0
        for result in results {
            switch result {
            case .success(let part):
                if parts == 1 { return part.table }
                table.append(contentsOf: part.table)
                linesBefore += part.lines
            case .failure(var error as NDError):
                error.line = error.line.map { $0 + linesBefore }
                throw error
            case .failure(let error):
                throw error
            }
        }
        return table
    }

    /// The records of `text` (whole lines) and how many lines it has; line numbers in
    /// errors count from its start.
    private static func readLines(_ text: UnsafeBufferPointer<UInt8>, path: String) throws -> (table: CellTable, lines: Int) {
        var records = RecordReader(path: path)
        var start = 0, line = 0
        let base = text.baseAddress!
        while start < text.count {
            let newline = memchr(base + start, 0x0A, text.count - start).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
            let end = newline ?? text.count
            line += 1
            try records.read(UnsafeBufferPointer(rebasing: text[start..<end]), line: line)
            start = end + 1
        }
        return (records.table, line)
    }

    /// Line by line from a pipe (or stdin), as the lines arrive.
    private static func readStreaming(_ path: String) throws -> CellTable {
        let reader = try JSONLinesReader(path: path)
        var records = RecordReader(path: path)
        while try reader.nextLine({ line, bytes in try records.read(bytes, line: line) }) {}
        return records.table
    }

    /// One record per line into a table; blank lines are skipped.
    private struct RecordReader {
        let path: String
        var table = CellTable()
        var scanner: JSONScanner
        var populations = ByteStringIndex(), metypes = ByteStringIndex()

        init(path: String) {
            self.path = path
            scanner = JSONScanner(UnsafeBufferPointer(start: nil, count: 0), file: path)
        }

        mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws {
            var k = 0
            while k < bytes.count && (bytes[k] == 0x20 || bytes[k] == 0x09 || bytes[k] == 0x0D) { k += 1 }
            if k == bytes.count { return }  // a blank line
            if let e = EstimateLine(bytes) {
                table.append(population: populations.index(of: e.population!) { table.population($0) }, nodeID: e.gid,
                             metype: metypes.index(of: e.metype!) { table.metype($0) },
                             cellKiB: e.cellKiB, synapses: e.synapses, synapseKiB: e.synapseKiB)
                return
            }
            scanner.restart(bytes, line: line)
            try scanner.beginObject()
            var gid: Int64 = -1
            var cellKiB = -1.0, synapses = -1.0, synapseKiB = -1.0
            var population: Int32 = -1, metype: Int32 = -1
            while let key = try scanner.nextKey() {
                if key.spells("population") || key.spells("metype") {
                    let isPopulation = key.count == 10
                    guard scanner.peek() == 0x22 else {
                        throw scanner.error(.malformed, "\"\(isPopulation ? "population" : "metype")\": expected a string")
                    }
                    let name = try scanner.stringView()
                    if isPopulation {
                        population = populations.index(of: name) { table.population($0) }
                    } else {
                        metype = metypes.index(of: name) { table.metype($0) }
                    }
                } else if key.spells("gid") {
                    gid = try scanner.int()
                    guard gid >= 0 else { throw scanner.error(.outOfRange, "\"gid\": expected an integer >= 0") }
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
            guard population >= 0 && metype >= 0 else { throw NDError(.malformed, file: path, line: line, "\"population\" and \"metype\": expected strings") }
            guard gid >= 0 else { throw NDError(.outOfRange, file: path, line: line, "\"gid\": expected an integer >= 0") }
            guard cellKiB >= 0 && synapses >= 0 && synapseKiB >= 0 else {
                let name = cellKiB < 0 ? "cell_kb" : synapses < 0 ? "synapses" : "synapse_kb"
                throw NDError(.outOfRange, file: path, line: line, "\"\(name)\": expected a number >= 0")
            }
            table.append(population: population, nodeID: gid, metype: metype, cellKiB: cellKiB, synapses: synapses, synapseKiB: synapseKiB)
        }
    }
}

/// Names met as bytes, mapped to their index without making a String each time: the
/// last one is remembered (consecutive records often repeat it), the rest found in an
/// open-addressing table by an FNV-1a hash of the bytes, compared with memcmp.
struct ByteStringIndex {
    private var last: [UInt8] = []
    private var lastIndex: Int32 = -1
    private struct Slot {
        var hash: UInt64
        var bytes: [UInt8]
        var index: Int32
    }
    /// Power-of-two sized, at most half full.
    private var slots = [Slot?](repeating: nil, count: 64)
    private var used = 0

    mutating func index(of bytes: UnsafeBufferPointer<UInt8>, adding add: (String) -> Int32) -> Int32 {
        if lastIndex >= 0 && Self.equal(bytes, last) { return lastIndex }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        var at = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        let i: Int32
        while true {
            guard let slot = slots[at] else {
                i = add(String(decoding: bytes, as: UTF8.self))
                slots[at] = Slot(hash: hash, bytes: Array(bytes), index: i)
                used += 1
                if 2 * used > slots.count { grow() }
                break
            }
            if slot.hash == hash && Self.equal(bytes, slot.bytes) { i = slot.index; break }
            at = (at + 1) & (slots.count - 1)
        }
        // Copied, not shared: the caller reuses its array.
        last.removeAll(keepingCapacity: true)
        last.append(contentsOf: bytes)
        lastIndex = i
        return i
    }

    @inline(__always) private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        a.count == b.count && (a.isEmpty || b.withUnsafeBufferPointer { memcmp(a.baseAddress!, $0.baseAddress!, a.count) == 0 })
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot?](repeating: nil, count: old.count * 2)
        for case let slot? in old {
            var at = Int(truncatingIfNeeded: slot.hash) & (slots.count - 1)
            while slots[at] != nil { at = (at + 1) & (slots.count - 1) }
            slots[at] = slot
        }
    }
}
