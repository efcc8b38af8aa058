/// Splitting text into lines the way Python's text-mode `readlines()` does, so that
/// files.dat is read exactly as the reference tools read it.

/// Byte ranges of the lines of `bytes`, without their terminators. `\n`, `\r\n` and a
/// lone `\r` all end a line (Python's universal newlines); a last line without a
/// terminator still counts; an empty input has no lines.
public func lineRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(bytes.count / 6 + 1)
    var start = 0
    var i = 0
    let n = bytes.count
    while i < n {
        let byte = bytes[i]
        if byte == 0x0A || byte == 0x0D {
            ranges.append(start..<i)
            if byte == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A { i += 1 }
            start = i + 1
        }
        i += 1
    }
    if start < n { ranges.append(start..<n) }
    return ranges
}

/// Whether `byte` is whitespace that Python's `str.strip()` removes (ASCII subset).
@inline(__always)
func isPythonWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x1F)
}

/// The line `range` of `bytes` as a String with surrounding whitespace removed.
public func strippedLine(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    var lo = range.lowerBound
    var hi = range.upperBound
    while lo < hi && isPythonWhitespace(bytes[lo]) { lo += 1 }
    while hi > lo && isPythonWhitespace(bytes[hi - 1]) { hi -= 1 }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[lo..<hi]), as: UTF8.self)
}
