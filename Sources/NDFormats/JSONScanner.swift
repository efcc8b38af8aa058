#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// A pull reader of JSON text (RFC 8259) for the inputs too large for a tree: a
/// cell_memory_usage.json of 10 million node ids, 10 million estimate lines. jansson
/// builds one allocated `json_t` per number, and converting that tree costs more than
/// the allocation it feeds; this reads values in place, in the order the caller asks
/// for them, and says where (file and line) the text breaks the grammar.
///
/// The caller walks the structure: `beginObject` then `nextKey` until it returns false,
/// `beginArray` then `nextElement` until it returns false; `skipValue` passes over what
/// it does not need. The buffer must outlive the scanner.
public struct JSONScanner {
    private var bytes: UnsafePointer<UInt8>
    private var end: Int
    private var at = 0
    /// 1-based line of the next unread byte.
    public private(set) var line = 1
    public let file: String
    /// Per open container: whether no member has been read yet.
    private var first: [Bool] = []
    /// Decoded strings that had escapes.
    private let scratch = Scratch()

    /// Storage whose address stays put while views of it are in use.
    private final class Scratch {
        var bytes: [UInt8] = []
        private var copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64)
        deinit { copy.deallocate() }

        /// A stable copy of `bytes`.
        func view() -> UnsafeBufferPointer<UInt8> {
            if copy.count < bytes.count {
                copy.deallocate()
                copy = .allocate(capacity: bytes.count * 2)
            }
            _ = copy.initialize(from: bytes)
            return UnsafeBufferPointer(start: copy.baseAddress, count: bytes.count)
        }
    }

    public init(_ buffer: UnsafeBufferPointer<UInt8>, file: String) {
        // An empty buffer has no base address; any readable byte will do, none is read.
        bytes = UnsafePointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
        end = buffer.count
        self.file = file
    }

    /// Starts over on another buffer (the next line of a JSON-lines file), keeping the
    /// scanner's storage.
    public mutating func restart(_ buffer: UnsafeBufferPointer<UInt8>, line: Int) {
        bytes = UnsafePointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
        end = buffer.count
        at = 0
        self.line = line
        first.removeAll(keepingCapacity: true)
    }

    public func error(_ kind: NDError.Kind, _ message: String) -> NDError { NDError(kind, file: file, line: line, message) }

    private func unexpected(_ wanted: String) -> NDError {
        guard at < end else { return error(.malformed, "expected \(wanted), found the end of the text") }
        let c = bytes[at]
        let shown = c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x" + String(c, radix: 16, uppercase: true)
        return error(.malformed, "expected \(wanted), found \(shown)")
    }

    @inline(__always) private mutating func skipWhitespace() {
        while at < end {
            let c = bytes[at]
            if c == 0x20 || c == 0x09 || c == 0x0D { at += 1 } else if c == 0x0A { at += 1; line += 1 } else { return }
        }
    }

    /// True when only whitespace is left.
    public mutating func atEnd() -> Bool { skipWhitespace(); return at == end }

    /// Throws unless only whitespace is left.
    public mutating func expectEnd() throws {
        guard atEnd() else { throw unexpected("the end of the text") }
    }

    /// The next byte after whitespace, without reading it (nil at the end).
    public mutating func peek() -> UInt8? { skipWhitespace(); return at < end ? bytes[at] : nil }

    @inline(__always) private mutating func expect(_ c: UInt8, _ wanted: String) throws {
        skipWhitespace()
        guard at < end && bytes[at] == c else { throw unexpected(wanted) }
        at += 1
    }

    // MARK: containers

    /// The deepest nesting of arrays and objects accepted. The files read here nest three
    /// deep, and `skipValue` recurses once per level: 50,000 nested arrays would overflow
    /// the stack.
    public static let maxDepth = 512

    public mutating func beginObject() throws { try expect(0x7B, "'{'"); try open() }
    public mutating func beginArray() throws { try expect(0x5B, "'['"); try open() }

    private mutating func open() throws {
        guard first.count < Self.maxDepth else { throw error(.malformed, "arrays and objects nested deeper than \(Self.maxDepth) levels") }
        first.append(true)
    }

    /// The next member's key (its ':' read too); nil, and the object closed, at '}'. The
    /// bytes stay valid until the next string is read.
    public mutating func nextKey() throws -> UnsafeBufferPointer<UInt8>? {
        guard try nextMember(close: 0x7D) else { return nil }
        let key = try stringView()
        try expect(0x3A, "':'")
        return key
    }

    /// Reads the next member's key into `key` (replacing it) and its ':'; false (and the
    /// object closed) at '}'.
    public mutating func nextKey(_ key: inout [UInt8]) throws -> Bool {
        guard let view = try nextKey() else { return false }
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: view)
        return true
    }

    /// True when another element follows (positioned on it); false (and the array
    /// closed) at ']'.
    public mutating func nextElement() throws -> Bool { try nextMember(close: 0x5D) }

    private mutating func nextMember(close: UInt8) throws -> Bool {
        skipWhitespace()
        guard let isFirst = first.last else { throw error(.malformed, "no open object or array") }
        if at < end && bytes[at] == close {
            at += 1
            first.removeLast()
            return false
        }
        if !isFirst {
            guard at < end && bytes[at] == 0x2C else { throw unexpected(close == 0x7D ? "',' or '}'" : "',' or ']'") }
            at += 1
            skipWhitespace()
            if at < end && bytes[at] == close { throw error(.malformed, "a trailing ',' before '\(Character(Unicode.Scalar(close)))'") }
        }
        first[first.count - 1] = false
        return true
    }

    // MARK: strings

    /// The next string's UTF-8 bytes, escapes decoded: a view of the text itself when it
    /// has no escapes, else of the scanner's scratch space; valid until the next string
    /// is read.
    public mutating func stringView() throws -> UnsafeBufferPointer<UInt8> {
        try expect(0x22, "a string")
        let start = at
        while at < end {
            // Eight bytes at a time while none is a quote, a backslash or a control
            // character (the usual bit tricks on one 64-bit word; a word they flag, rightly
            // or not, is looked at byte by byte).
            while end - at >= 8 {
                let word = UnsafeRawPointer(bytes + at).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                let flagged = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                if flagged & highs != 0 { break }
                at += 8
            }
            guard at < end else { break }
            let c = bytes[at]
            if c == 0x22 {
                at += 1
                return UnsafeBufferPointer(start: bytes + start, count: at - 1 - start)
            }
            if c == 0x5C { break }
            if c < 0x20 { throw error(.malformed, "a control character (0x\(String(c, radix: 16))) inside a string") }
            at += 1
        }
        // Escapes (or the end): decode into scratch.
        scratch.bytes.removeAll(keepingCapacity: true)
        scratch.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: at - start))
        var run = at
        while true {
            guard at < end else { throw error(.malformed, "a string runs to the end of the text") }
            let c = bytes[at]
            if c == 0x22 {
                scratch.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes + run, count: at - run))
                at += 1
                return scratch.view()
            }
            if c < 0x20 { throw error(.malformed, "a control character (0x\(String(c, radix: 16))) inside a string") }
            if c == 0x5C {
                scratch.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes + run, count: at - run))
                try escape(into: &scratch.bytes)
                run = at
                continue
            }
            at += 1
        }
    }

    /// Appends the next string's UTF-8 bytes (escapes decoded) to `out`.
    public mutating func string(into out: inout [UInt8]) throws {
        out.append(contentsOf: try stringView())
    }

    /// The next string.
    public mutating func string() throws -> String {
        var bytes: [UInt8] = []
        try string(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func escape(into out: inout [UInt8]) throws {
        at += 1  // the backslash
        guard at < end else { throw error(.malformed, "a string runs to the end of the text") }
        let c = bytes[at]
        at += 1
        switch c {
        case 0x22, 0x5C, 0x2F: out.append(c)
        case 0x62: out.append(0x08)
        case 0x66: out.append(0x0C)
        case 0x6E: out.append(0x0A)
        case 0x72: out.append(0x0D)
        case 0x74: out.append(0x09)
        case 0x75:
            var scalar = try hex4()
            if scalar >= 0xD800 && scalar < 0xDC00 {
                // A high surrogate must be followed by \u and a low one.
                guard end - at >= 6, bytes[at] == 0x5C, bytes[at + 1] == 0x75 else { throw error(.malformed, "an unpaired surrogate in \\u escape") }
                at += 2
                let low = try hex4()
                guard low >= 0xDC00 && low < 0xE000 else { throw error(.malformed, "an unpaired surrogate in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw error(.malformed, "an unpaired surrogate in \\u escape")
            }
            out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            throw error(.malformed, "an invalid escape '\\\(Character(Unicode.Scalar(c)))' in a string")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard end - at >= 4 else { throw error(.malformed, "a \\u escape needs 4 hex digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error(.malformed, "a \\u escape needs 4 hex digits")
            }
            v = v << 4 | d
            at += 1
        }
        return v
    }

    // MARK: numbers

    /// 10^k for k in 0...22, all exact doubles: a decimal with at most 15 significant
    /// digits and at most 22 fraction digits is one exact double divided by another,
    /// which rounds correctly. (A tuple, not a static array: no lazy global on the path
    /// every number takes.)
    @inline(__always) static func exactPowerOfTen(_ k: Int) -> Double {
        let powers = (1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
                      1e19, 1e20, 1e21, 1e22)
        return withUnsafeBytes(of: powers) { $0.load(fromByteOffset: k * 8, as: Double.self) }
    }

    /// The next number, which must be an integer (no fraction, no exponent).
    public mutating func int() throws -> Int64 {
        let n = try number()
        guard n.isInteger, let v = n.integer else {
            throw error(.malformed, n.isInteger ? "an integer too large for 64 bits" : "expected an integer, found a number with a fraction or exponent")
        }
        return v
    }

    /// The next number.
    public mutating func double() throws -> Double {
        let n = try number()
        if let v = n.integer, n.isInteger { return Double(v) }
        return n.value
    }

    private struct Number {
        var isInteger: Bool
        /// The value when it is an integer that fits in 64 bits.
        var integer: Int64?
        var value: Double
    }

    private mutating func number() throws -> Number {
        skipWhitespace()
        let start = at
        var negative = false
        if at < end && bytes[at] == 0x2D { negative = true; at += 1 }
        guard at < end && bytes[at] >= 0x30 && bytes[at] <= 0x39 else {
            at = start
            throw unexpected("a number")
        }
        // Integer part: no leading zeros.
        var mantissa: UInt64 = 0
        var digits = 0
        if bytes[at] == 0x30 {
            at += 1
        } else {
            while at < end && bytes[at] >= 0x30 && bytes[at] <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[at] - 0x30) }
                digits += 1
                at += 1
            }
        }
        var fractionDigits = 0
        var isInteger = true
        if at < end && bytes[at] == 0x2E {
            isInteger = false
            at += 1
            guard at < end && bytes[at] >= 0x30 && bytes[at] <= 0x39 else { throw error(.malformed, "a number needs digits after '.'") }
            while at < end && bytes[at] >= 0x30 && bytes[at] <= 0x39 {
                if digits + fractionDigits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[at] - 0x30) }
                fractionDigits += 1
                at += 1
            }
        }
        var hasExponent = false
        if at < end && (bytes[at] == 0x65 || bytes[at] == 0x45) {
            isInteger = false
            hasExponent = true
            at += 1
            if at < end && (bytes[at] == 0x2B || bytes[at] == 0x2D) { at += 1 }
            guard at < end && bytes[at] >= 0x30 && bytes[at] <= 0x39 else { throw error(.malformed, "a number needs digits in its exponent") }
            while at < end && bytes[at] >= 0x30 && bytes[at] <= 0x39 { at += 1 }
        }
        if isInteger {
            // Up to 18 digits fit in Int64 with room; 19 may.
            if digits <= 18 || (digits == 19 && mantissa <= UInt64(Int64.max) + (negative ? 1 : 0)) {
                let v = negative ? Int64(truncatingIfNeeded: 0 &- mantissa) : Int64(mantissa)
                return Number(isInteger: true, integer: v, value: Double(v))
            }
            return Number(isInteger: true, integer: nil, value: try strtodToken(start))
        }
        if !hasExponent && digits + fractionDigits <= 15 && fractionDigits <= 22 {
            let v = Double(mantissa) / Self.exactPowerOfTen(fractionDigits)
            return Number(isInteger: false, integer: nil, value: negative ? -v : v)
        }
        return Number(isInteger: false, integer: nil, value: try strtodToken(start))
    }

    /// strtod on the validated token [start, at): copied, since the text need not be
    /// terminated after it.
    private func strtodToken(_ start: Int) throws -> Double {
        var token = Array(UnsafeBufferPointer(start: bytes + start, count: at - start))
        token.append(0)
        return token.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { strtod($0, nil) }
        }
    }

    /// Reads a whole array of integers (`[` to `]`), appending them to `out`: the node id
    /// lists of a cell_memory_usage.json, millions of numbers one per indented line. One
    /// tight loop over the bytes instead of a member and a number call per element; any
    /// element that is not a plain integer of at most 18 digits is an error naming `what`.
    public mutating func integers(into out: inout [Int], what: String) throws {
        try beginArray()
        let base = bytes, end = self.end
        var p = at, lines = line
        defer { at = p; line = lines }
        func bad(_ p: Int, _ lines: Int) -> NDError {
            NDError(.malformed, file: file, line: lines, p < end && base[p] == 0x5D ? "a trailing ',' before ']'" : "\(what): expected integers")
        }
        // Whitespace eight spaces at a time first: neurodamus indents each id by 12.
        let spaces: UInt64 = 0x2020_2020_2020_2020
        var atStart = true
        while true {
            while true {
                while end - p >= 8 && UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self) == spaces { p += 8 }
                guard p < end else { break }
                let c = base[p]
                if c == 0x20 || c == 0x09 || c == 0x0D { p += 1 } else if c == 0x0A { p += 1; lines += 1 } else { break }
            }
            if atStart {
                atStart = false
                if p < end && base[p] == 0x5D { p += 1; first.removeLast(); return }
            }
            var negative = false
            if p < end && base[p] == 0x2D { negative = true; p += 1 }
            let digitsStart = p
            var v = 0
            while p < end, case let d = base[p] &- 0x30, d < 10 { v = v &* 10 &+ Int(d); p += 1 }
            let digits = p - digitsStart
            guard digits > 0, digits <= 18, digits == 1 || base[digitsStart] != 0x30,
                  p == end || (base[p] != 0x2E && base[p] | 0x20 != 0x65) else { throw bad(digitsStart, lines) }
            out.append(negative ? -v : v)
            while p < end {
                let c = base[p]
                if c == 0x20 || c == 0x09 || c == 0x0D { p += 1 } else if c == 0x0A { p += 1; lines += 1 } else { break }
            }
            guard p < end else { throw NDError(.malformed, file: file, line: lines, "expected ',' or ']', found the end of the text") }
            if base[p] == 0x5D { p += 1; first.removeLast(); return }
            guard base[p] == 0x2C else { throw NDError(.malformed, file: file, line: lines, "\(what): expected ',' or ']'") }
            p += 1
        }
    }

    // MARK: anything

    /// Passes over the next value, whatever it is.
    public mutating func skipValue() throws {
        guard let c = peek() else { throw unexpected("a value") }
        switch c {
        case 0x7B:
            try beginObject()
            while try nextKey() != nil { try skipValue() }
        case 0x5B:
            try beginArray()
            while try nextElement() { try skipValue() }
        case 0x22:
            _ = try stringView()
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        default: _ = try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        skipWhitespace()
        let n = word.utf8CodeUnitCount
        guard end - at >= n, memcmp(bytes + at, word.utf8Start, n) == 0 else { throw unexpected("'\(word)'") }
        at += n
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether these bytes spell `text` (a key read by `JSONScanner.nextKey`).
    @inline(__always) public func spells(_ text: StaticString) -> Bool {
        count == text.utf8CodeUnitCount && (count == 0 || memcmp(baseAddress!, text.utf8Start, count) == 0)
    }
}

extension Array where Element == UInt8 {
    /// Whether these bytes spell `text`.
    public func spells(_ text: StaticString) -> Bool { withUnsafeBufferPointer { $0.spells(text) } }
}
