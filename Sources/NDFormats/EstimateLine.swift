#if canImport(Glibc)
import Glibc
#endif

/// One estimate line in the shape nd-estimate (and any plain JSON writer) gives it —
/// string keys and names without escapes, numbers in plain decimal — read in a single
/// pass over the bytes, with no scanner state: ten million lines are most of refine's
/// time otherwise. Anything else (escapes, exponents, more than 15 digits, a negative or
/// missing value, broken JSON) is left to the general reader, which reads it or says
/// what is wrong; so this never accepts what that refuses, and gives the same values.
struct EstimateLine {
    var population: UnsafeBufferPointer<UInt8>? = nil
    var metype: UnsafeBufferPointer<UInt8>? = nil
    var gid: Int64 = -1
    var cellKiB = -1.0, synapses = -1.0, synapseKiB = -1.0

    /// The line's fields, or nil when it is not in the plain shape (or lacks a field).
    init?(_ line: UnsafeBufferPointer<UInt8>) {
        guard let base = line.baseAddress else { return nil }
        var p = base
        let end = base + line.count
        @inline(__always) func skipSpace() {
            while p < end && (p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D) { p += 1 }
        }
        /// A string without escapes or control characters, after its opening quote.
        @inline(__always) func plainString() -> UnsafeBufferPointer<UInt8>? {
            let start = p
            while p < end {
                let c = p.pointee
                if c == 0x22 { p += 1; return UnsafeBufferPointer(start: start, count: p - 1 - start) }
                if c == 0x5C || c < 0x20 { return nil }
                p += 1
            }
            return nil
        }
        /// A number >= 0 with at most 15 digits and no exponent, as JSONScanner.double()
        /// computes it; `integer` refuses a fraction.
        @inline(__always) func plainNumber(integer: Bool) -> (Int64, Double)? {
            var mantissa: Int64 = 0
            var digits = 0, fraction = 0
            if p < end && p.pointee == 0x30 {
                p += 1; digits = 1
                if p < end && p.pointee &- 0x30 < 10 { return nil }  // a leading zero
            } else {
                while p < end, case let d = p.pointee &- 0x30, d < 10 { mantissa = mantissa * 10 + Int64(d); digits += 1; p += 1; if digits > 15 { return nil } }
                if digits == 0 { return nil }
            }
            if p < end && p.pointee == 0x2E {
                if integer { return nil }
                p += 1
                while p < end, case let d = p.pointee &- 0x30, d < 10 {
                    mantissa = mantissa * 10 + Int64(d); fraction += 1; p += 1
                    if digits + fraction > 15 { return nil }
                }
                if fraction == 0 { return nil }
            }
            if p < end && (p.pointee | 0x20) == 0x65 { return nil }  // an exponent
            return (mantissa, fraction == 0 ? Double(mantissa) : Double(mantissa) / JSONScanner.exactPowerOfTen(fraction))
        }
        @inline(__always) func key(_ k: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
            k.count == text.utf8CodeUnitCount && memcmp(k.baseAddress!, text.utf8Start, k.count) == 0
        }

        skipSpace()
        guard p < end && p.pointee == 0x7B else { return nil }
        p += 1
        skipSpace()
        if p < end && p.pointee == 0x7D { return nil }  // {}: the general reader names what is missing
        while true {
            skipSpace()
            guard p < end && p.pointee == 0x22 else { return nil }
            p += 1
            guard let k = plainString(), k.count > 0 else { return nil }
            skipSpace()
            guard p < end && p.pointee == 0x3A else { return nil }
            p += 1
            skipSpace()
            guard p < end else { return nil }
            if key(k, "population") || key(k, "metype") {
                guard p.pointee == 0x22 else { return nil }
                p += 1
                guard let name = plainString() else { return nil }
                if k.count == 10 { population = name } else { metype = name }
            } else if key(k, "gid") {
                guard let (v, _) = plainNumber(integer: true) else { return nil }
                gid = v
            } else if key(k, "cell_kb") {
                guard let (_, v) = plainNumber(integer: false) else { return nil }
                cellKiB = v
            } else if key(k, "synapses") {
                guard let (_, v) = plainNumber(integer: false) else { return nil }
                synapses = v
            } else if key(k, "synapse_kb") {
                guard let (_, v) = plainNumber(integer: false) else { return nil }
                synapseKiB = v
            } else if p.pointee == 0x22 {
                p += 1
                guard plainString() != nil else { return nil }
            } else {
                guard plainNumber(integer: false) != nil else { return nil }  // other values: the general reader
            }
            skipSpace()
            guard p < end else { return nil }
            if p.pointee == 0x2C { p += 1; continue }
            guard p.pointee == 0x7D else { return nil }
            p += 1
            break
        }
        skipSpace()
        guard p == end, population != nil, metype != nil, gid >= 0, cellKiB >= 0, synapses >= 0, synapseKiB >= 0 else { return nil }
    }
}
