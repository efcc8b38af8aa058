import NDModel

/// Seeded mutations of an input: bit flips, byte and chunk edits, splices from another
/// seed, numbers swapped for edge values (as text and as binary 32/64-bit words), lines
/// dropped or repeated, truncation. The same generator state gives the same bytes.
struct Mutator {
    static let numbers: [String] = [
        "0", "-1", "1", "-0", "0.0", "1e308", "-1e308", "1e309", "1e-400", "nan", "NaN", "inf", "-inf", "Infinity",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "4294967295", "4294967296", "2147483647", "2147483648", "-2147483649",
        "65536", "1000000000", "99999999999999999999999999999", "1.5", "1e5", "0x10", "007", "",
    ]
    static let bytes: [UInt8] = [0, 0xFF, 0x7F, 0x80, 0x0A, 0x0D, 0x20, 0x09, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D,
                                 0x2C, 0x3A, 0x2D, 0x2E, 0x28, 0x29, 0x23, 0x3B, 0x30, 0x31, 0x39, 0x65]
    static let words: [UInt64] = [0, 1, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
                                  0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF,
                                  Double.nan.bitPattern, Double.infinity.bitPattern, (1e308).bitPattern, (-1.0).bitPattern]

    var rng: SeededRandom

    mutating func pick<T>(_ a: [T]) -> T { a[rng.below(a.count)] }

    /// 1 to 4 stacked mutations of `input`; `others` are splice donors.
    mutating func mutate(_ input: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + rng.below(4)) { once(&b, others: others) }
        return b
    }

    private mutating func position(_ b: [UInt8]) -> Int { b.isEmpty ? 0 : rng.below(b.count + 1) }

    /// A range of length up to `max` (short ones likelier).
    private mutating func range(_ b: [UInt8], max: Int = 64) -> Range<Int> {
        guard !b.isEmpty else { return 0..<0 }
        let start = rng.below(b.count)
        let limit = Swift.min(b.count - start, rng.below(4) == 0 ? max * 16 : max)
        return start..<(start + 1 + rng.below(Swift.max(1, limit)))
    }

    private mutating func once(_ b: inout [UInt8], others: [[UInt8]]) {
        switch rng.below(14) {
        case 0:  // bit flips
            guard !b.isEmpty else { return }
            for _ in 0..<(1 + rng.below(4)) { b[rng.below(b.count)] ^= UInt8(1) << UInt8(rng.below(8)) }
        case 1:  // an interesting byte
            guard !b.isEmpty else { return }
            b[rng.below(b.count)] = rng.below(3) == 0 ? UInt8(truncatingIfNeeded: rng.next()) : pick(Self.bytes)
        case 2:  // insert bytes
            let n = 1 + rng.below(8)
            b.insert(contentsOf: (0..<n).map { _ in rng.below(2) == 0 ? pick(Self.bytes) : UInt8(truncatingIfNeeded: rng.next()) }, at: position(b))
        case 3:  // delete a range
            b.removeSubrange(range(b))
        case 4:  // duplicate a chunk somewhere
            let r = range(b)
            let chunk = Array(b[r])
            let times = rng.below(8) == 0 ? 1 + rng.below(64) : 1
            b.insert(contentsOf: Array([[UInt8]](repeating: chunk, count: times).joined()), at: position(b))
        case 5:  // splice from another seed
            let donor = others.isEmpty ? b : pick(others)
            guard !donor.isEmpty else { return }
            let r = range(donor, max: 256)
            let at = range(b)
            b.replaceSubrange(at, with: donor[r])
        case 6, 7, 8:  // a number for an edge value
            swapNumber(&b)
        case 9:  // a binary word
            guard b.count >= 8 else { return }
            let w = pick(Self.words), size = rng.below(2) == 0 ? 4 : 8
            let at = rng.below(b.count - size + 1)
            for k in 0..<size { b[at + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt64(k))) }
        case 10:  // drop or repeat a line
            lineEdit(&b)
        case 11:  // truncate
            b.removeSubrange(position(b)...)
        case 12:  // a huge count: a number's digits repeated
            swapNumber(&b, with: String(repeating: "9", count: 19 + rng.below(40)))
        default:  // swap two chunks
            let r1 = range(b), r2 = range(b)
            guard r1.upperBound <= r2.lowerBound else { return }
            let c1 = Array(b[r1]), c2 = Array(b[r2])
            b.replaceSubrange(r2, with: c1)
            b.replaceSubrange(r1, with: c2)
        }
    }

    private static func isNumberByte(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E || c == 0x2B || c == 0x65 || c == 0x45 }

    /// Replaces a run of number characters (a random one of the first 64 found after a
    /// random start) with an edge value.
    private mutating func swapNumber(_ b: inout [UInt8], with text: String? = nil) {
        guard !b.isEmpty else { return }
        var at = rng.below(b.count)
        while at < b.count && !(b[at] >= 0x30 && b[at] <= 0x39) { at += 1 }
        if at == b.count {  // wrap around once
            at = 0
            while at < b.count && !(b[at] >= 0x30 && b[at] <= 0x39) { at += 1 }
            if at == b.count { return }
        }
        var start = at, end = at
        while start > 0 && Self.isNumberByte(b[start - 1]) { start -= 1 }
        while end < b.count && Self.isNumberByte(b[end]) { end += 1 }
        b.replaceSubrange(start..<end, with: Array((text ?? pick(Self.numbers)).utf8))
    }

    private mutating func lineEdit(_ b: inout [UInt8]) {
        var starts = [0]
        for (i, c) in b.enumerated() where c == 0x0A && i + 1 < b.count { starts.append(i + 1) }
        let k = rng.below(starts.count)
        let end = k + 1 < starts.count ? starts[k + 1] : b.count
        let line = Array(b[starts[k]..<end])
        switch rng.below(3) {
        case 0: b.removeSubrange(starts[k]..<end)
        case 1: b.insert(contentsOf: Array([[UInt8]](repeating: line, count: 1 + rng.below(rng.below(4) == 0 ? 1000 : 3)).joined()), at: starts[k])
        default:
            let j = rng.below(starts.count)
            b.insert(contentsOf: line, at: starts[j])
        }
    }
}
