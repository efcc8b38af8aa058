#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDModel

/// Throws unless `path` names an existing regular file (or is `-`).
public func requireInputFile(_ path: String) throws {
    if path == "-" { return }
    var st = stat()
    guard stat(path, &st) == 0 else {
        throw NDError(.init(errno: errno), file: path, "input file could not be found (\(String(cString: strerror(errno))))")
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
        throw NDError(.usage, file: path, "not a regular file, expected a files.dat")
    }
}

/// Whole-file checks of a files.dat before its entries are placed: line 1 must be the
/// version (a files.dat without it would have its count read from line 1 and its first
/// entry taken for the count), and no group may be listed twice (CoreNEURON would load it
/// twice). `names` are the non-empty entries considered, `indices` their entry positions.
public func checkFilesDat(_ filesDat: FilesDat, names: [String], indices: [Int], path: String) throws {
    if parsePythonInt(filesDat.version) != nil && filesDat.declaredCount != nil {
        throw NDError(.malformed, file: path, line: 1, "'\(filesDat.version.prefix(40))' is a number: expected the version line (e.g. 1.8) before the entry count")
    }
    guard let repeated = firstRepeatedEntry(names) else { return }
    // The error path: where the entry was first and again.
    let lines = indices.indices.filter { names[$0] == repeated }.prefix(2).map { FilesDat.lineNumber(ofEntry: indices[$0]) }
    throw NDError(.inconsistent, file: path, line: lines[1],
                  "entry '\(repeated.prefix(40))' listed again (first on line \(lines[0])): CoreNEURON would load that group twice")
}

/// An entry listed twice, in O(n). Entries are group ids: those written as plain decimals
/// are compared as numbers (a bitmap when they are dense), the others as text.
func firstRepeatedEntry(_ names: [String]) -> String? {
    var numbers: [Int] = []
    numbers.reserveCapacity(names.count)
    var others = Set<String>()
    var largest = 0
    // Canonical decimals only ("7", not "07" or "+7": those name other files).
    func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = bytes.first, bytes.count <= 18, first != 0x30 || bytes.count == 1 else { return nil }
        var v = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        return v
    }
    for name in names {
        let value = name.utf8.withContiguousStorageIfAvailable(decimal) ?? Array(name.utf8).withUnsafeBufferPointer(decimal)
        if let value {
            numbers.append(value)
            largest = max(largest, value)
        } else if !others.insert(name).inserted {
            return name
        }
    }
    if largest < 16 * numbers.count + 4096 {
        var seen = [UInt64](repeating: 0, count: largest / 64 + 1)
        for v in numbers {
            let bit: UInt64 = 1 << UInt64(v & 63)
            if seen[v >> 6] & bit != 0 { return String(v) }
            seen[v >> 6] |= bit
        }
    } else {
        var seen = Set<Int>(minimumCapacity: numbers.count)
        for v in numbers where !seen.insert(v).inserted { return String(v) }
    }
    return nil
}
