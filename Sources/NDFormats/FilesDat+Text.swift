import NDModel

extension FilesDat {
    /// Parses files.dat text. Lines are those of Python's `readlines()`; every field is
    /// stripped. A missing header line reads as an empty string, as in the reference.
    public init(parsing bytes: [UInt8]) {
        var version = ""
        var count = ""
        var entries: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            let ranges = lineRanges(buffer)
            if ranges.count > 0 { version = strippedLine(buffer, ranges[0]) }
            if ranges.count > 1 { count = strippedLine(buffer, ranges[1]) }
            if ranges.count > 2 {
                entries.reserveCapacity(ranges.count - 2)
                for r in ranges[2...] { entries.append(strippedLine(buffer, r)) }
            }
        }
        self.init(version: version, countField: count, entries: entries)
    }

    /// Reads and parses the files.dat at `path`.
    public init(contentsOf path: String) throws {
        self.init(parsing: try FileBytes.read(path))
    }

    /// The text of a files.dat: version, count, then one entry per line. The count is
    /// bare as the python tools and neurodamus's multi-cycle merge write it, or
    /// right-aligned in `countWidth` columns as NEURON's nrncore_write writes a
    /// single-cycle model's (10).
    public static func render(version: String, entries: [String], countWidth: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 8 + version.utf8.count + 16 + countWidth)
        out.append(contentsOf: version.utf8)
        out.append(0x0A)
        out.append(contentsOf: String(entries.count).leftPadded(countWidth).utf8)
        out.append(0x0A)
        for entry in entries {
            out.append(contentsOf: entry.utf8)
            out.append(0x0A)
        }
        return out
    }
}
