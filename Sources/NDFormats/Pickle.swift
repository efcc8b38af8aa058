import NDModel

/// The subset of Python pickles an allocation needs.
///
/// Writing: protocol 2, plain `dict`, `tuple`, `list`, `int` and `str` — loadable by
/// `pickle.load` with the standard library alone. Reading: protocols 2–5 as Python and
/// neurodamus write allocations, including neurodamus's `collections.defaultdict` and
/// its `array.array` subclass rebuilt through `array._array_reconstructor`. Only those
/// globals are accepted; anything else is an error, never code execution.
public enum PickleValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list([PickleValue])
    /// Keys and values in insertion order.
    case dict([(PickleValue, PickleValue)])
    /// A global that is allowed (module, name), before it is called.
    case global(String, String)

    public static func == (a: PickleValue, b: PickleValue) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.bytes(x), .bytes(y)): return x == y
        case let (.tuple(x), .tuple(y)), let (.list(x), .list(y)): return x == y
        case let (.dict(x), .dict(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.global(m1, n1), .global(m2, n2)): return m1 == m2 && n1 == n2
        default: return false
        }
    }
}

extension PickleValue {
    /// Whether Python can use it as a dict key: lists and dicts, and tuples holding one, cannot.
    var isHashable: Bool {
        switch self {
        case .list, .dict: return false
        case .tuple(let items): return items.allSatisfy { $0.isHashable }
        default: return true
        }
    }

    /// What it is, for errors.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "a bool"
        case .int: return "an int"
        case .double: return "a float"
        case .string: return "a str"
        case .bytes: return "bytes"
        case .tuple: return "a tuple"
        case .list: return "a list"
        case .dict: return "a dict"
        case .global(let m, let n): return "\(m).\(n)"
        }
    }
}

/// Hashes what `==` compares, so that dict keys are found by hash while unpickling.
extension PickleValue: Hashable {
    public func hash(into h: inout Hasher) {
        switch self {
        case .none: h.combine(0)
        case .bool(let b): h.combine(1); h.combine(b)
        case .int(let i): h.combine(2); h.combine(i)
        case .double(let d): h.combine(3); h.combine(d)
        case .string(let s): h.combine(4); h.combine(s)
        case .bytes(let b): h.combine(5); h.combine(b)
        case .tuple(let items): h.combine(6); h.combine(items)
        case .list(let items): h.combine(7); h.combine(items)
        case .dict(let pairs): h.combine(8); h.combine(pairs.count); for (k, v) in pairs { h.combine(k); h.combine(v) }
        case .global(let m, let n): h.combine(9); h.combine(m); h.combine(n)
        }
    }
}

public enum Pickle {
    static let allowedGlobals: Set<String> = [
        "collections defaultdict", "builtins dict", "builtins list", "array array", "array _array_reconstructor",
        "neurodamus.utils.memory DryRunStats.defaultdict_vector", "neurodamus.utils.memory DryRunStats.defaultdict_float",
        "neurodamus.utils.compat Vector", "_codecs encode",
    ]

    // MARK: writing

    /// Protocol-2 bytes of `value` (none, bool, int, double, string, tuple, list, dict).
    public static func encode(_ value: PickleValue) throws -> [UInt8] {
        var writer = PickleWriter()
        try writer.value(value)
        return writer.finish()
    }

    // MARK: reading

    /// The deepest nesting accepted: an allocation is three deep (dict, dict, list). Every
    /// walk over a decoded value (comparing, hashing, freeing it) recurses once per level,
    /// so a pickle of 200,000 nested lists would otherwise overflow the stack.
    public static let maxDepth = 100

    /// A value on the unpickling stack, with what bounds the work it can cause.
    private struct Item {
        var value: PickleValue
        /// 1 for a scalar, 1 + the deepest element for a container.
        var depth = 1
        /// Values in it, itself included, as a walk over it visits them.
        var size = 1
        /// For a dict: where each key is in it, so that a repeated key (which replaces the
        /// earlier value, as in Python) is found without comparing it with every other.
        var keys: [PickleValue: Int] = [:]
    }

    /// What the memo keeps. Python's memo shares lists and dicts by reference, so that a
    /// later reference sees what was appended after the memo put; values built here are
    /// copies, and an allocation never shares one, so they are refused when fetched.
    private enum Memo {
        case item(Item)
        case container
    }

    /// Reads a pickle; `name` is used in errors.
    ///
    /// The work is linear in the pickle's size: lengths are checked against the bytes left
    /// before anything is allocated; nesting stops at `maxDepth`; values copied from the
    /// memo (where a few bytes can fetch a large value, over and over) may build at most
    /// as many values again as the pickle has bytes — every other value costs it at least
    /// a byte; dict keys must be hashable, as in Python.
    public static func decode(_ bytes: [UInt8], name: String) throws -> PickleValue {
        var stack: [Item] = []
        var marks: [Int] = []
        // Keys are any 32-bit number, one per memo opcode: a dictionary, not an array.
        var memo: [Int: Memo] = [:]
        var built = 0
        var i = 0
        func fail(_ message: String) -> NDError { NDError(.malformed, file: name, "pickle: \(message) at byte \(i)") }
        func take(_ n: UInt64) throws -> ArraySlice<UInt8> {
            guard n <= UInt64(bytes.count - i) else { throw fail("truncated") }
            let start = i
            i += Int(n)
            return bytes[start..<i]
        }
        func byte() throws -> UInt8 { try take(1).first! }
        func le(_ width: UInt64) throws -> UInt64 { try take(width).reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        func build(_ n: Int) throws {
            built += n
            guard built <= 2 * bytes.count else { throw fail("memo copies build more values than twice the pickle's size (a pickle bomb?)") }
        }
        /// Counts `items` into the depth and size of `container`, which now holds them.
        func include(_ items: ArraySlice<Item>, in container: inout Item) throws {
            for item in items {
                container.depth = max(container.depth, item.depth + 1)
                container.size += item.size
            }
            guard container.depth <= maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
        }
        func push(_ value: PickleValue) throws { try build(1); stack.append(Item(value: value)) }
        /// Replaces the items from `m` on with a container of them.
        func collect(from m: Int, _ make: ([PickleValue]) -> PickleValue) throws {
            guard m >= 0 else { throw fail("stack underflow") }
            var item = Item(value: make(stack[m...].map { $0.value }))
            try include(stack[m...], in: &item)
            try build(1)
            stack.removeSubrange(m...)
            stack.append(item)
        }
        func pop() throws -> Item { guard let v = stack.popLast() else { throw fail("stack underflow") }; return v }
        /// Where the items since the last mark start (the caller removes them).
        func popMark() throws -> Int {
            guard let m = marks.popLast(), m <= stack.count else { throw fail("no mark") }
            return m
        }
        /// Adds the items from `m` on to the container below them and removes them. The
        /// container is moved out of the stack meanwhile, and `add` takes its storage out of
        /// the enum: unshared, it grows in place instead of being copied per batch (which
        /// made a 20,000 x 3 allocation take minutes).
        func fill(from m: Int, _ add: (ArraySlice<Item>, inout Item) throws -> Void) throws {
            guard m >= 1 else { throw fail("stack underflow") }
            var container = Item(value: .none)
            swap(&container, &stack[m - 1])
            try add(stack[m...], &container)
            stack.removeSubrange(m...)
            stack[m - 1] = container
        }
        func text(_ s: ArraySlice<UInt8>) throws -> String {
            guard let t = String(validatingUTF8: Array(s).map { CChar(bitPattern: $0) } + [0]) else { throw fail("invalid UTF-8") }
            return t
        }
        func append(_ items: ArraySlice<Item>, to list: inout Item) throws {
            guard case .list(var l) = list.value else { throw fail("APPEND to a non-list") }
            list.value = .none
            l.append(contentsOf: items.lazy.map { $0.value })
            list.value = .list(l)
            try include(items, in: &list)
        }
        func setItems(_ items: ArraySlice<Item>, into dict: inout Item) throws {
            guard items.count % 2 == 0, case .dict(var d) = dict.value else { throw fail("SETITEMS on a non-dict") }
            var keys = dict.keys
            dict.value = .none
            dict.keys = [:]
            for k in stride(from: items.startIndex, to: items.endIndex, by: 2) {
                let key = items[k].value, value = items[k + 1].value
                guard key.isHashable else { throw fail("unhashable dict key: \(key.kind)") }
                // One hash for a new key (the usual case); a repeated one keeps its place.
                if let at = keys.updateValue(d.count, forKey: key) {
                    keys[key] = at
                    d[at].1 = value
                } else {
                    d.append((key, value))
                }
            }
            dict.value = .dict(d)
            dict.keys = keys
            try include(items, in: &dict)
        }
        func memoize(_ key: Int) throws {
            guard let top = stack.last else { throw fail("memo put on an empty stack") }
            switch top.value {
            case .list, .dict: memo[key] = .container
            default: memo[key] = .item(top)
            }
        }
        while true {
            let op = try byte()
            switch op {
            case 0x80: _ = try byte()                                    // PROTO
            case 0x95: _ = try take(8)                                   // FRAME
            case 0x2E: return try pop().value                            // STOP
            case 0x28: marks.append(stack.count)                         // MARK
            case 0x4E: try push(.none)
            case 0x88: try push(.bool(true))
            case 0x89: try push(.bool(false))
            case 0x4B: try push(.int(Int64(try byte())))
            case 0x4D: try push(.int(Int64(try le(2))))
            case 0x4A: try push(.int(Int64(Int32(bitPattern: UInt32(try le(4))))))
            case 0x8A:                                                    // LONG1
                let n = try byte()
                guard n <= 8 else { throw fail("integer too large") }
                let raw = try take(UInt64(n))
                var v = Int64(bitPattern: raw.reversed().reduce(0) { $0 << 8 | UInt64($1) })
                if n > 0 && n < 8 && raw.last! & 0x80 != 0 { v -= Int64(1) << (8 * n) }
                try push(.int(v))
            case 0x47: try push(.double(Double(bitPattern: try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))  // big-endian
            case 0x8C: try push(.string(try text(try take(UInt64(try byte())))))   // SHORT_BINUNICODE
            case 0x58: try push(.string(try text(try take(try le(4)))))            // BINUNICODE
            case 0x8D: try push(.string(try text(try take(try le(8)))))            // BINUNICODE8
            case 0x43: try push(.bytes(Array(try take(UInt64(try byte())))))      // SHORT_BINBYTES
            case 0x42: try push(.bytes(Array(try take(try le(4)))))               // BINBYTES
            case 0x8E: try push(.bytes(Array(try take(try le(8)))))               // BINBYTES8
            case 0x29: try push(.tuple([]))
            case 0x85, 0x86, 0x87: try collect(from: stack.count - Int(op - 0x84)) { .tuple($0) }  // TUPLE1, 2, 3
            case 0x74: try collect(from: try popMark()) { .tuple($0) }
            case 0x5D: try push(.list([]))
            case 0x6C: try collect(from: try popMark()) { .list($0) }                         // LIST
            case 0x7D: try push(.dict([]))
            case 0x64:                                                                         // DICT
                let m = try popMark()
                try build(1)
                stack.insert(Item(value: .dict([])), at: m)
                try fill(from: m + 1, setItems)
            case 0x61: try fill(from: stack.count - 1, append)                                 // APPEND
            case 0x65: try fill(from: try popMark(), append)                                   // APPENDS
            case 0x73: try fill(from: stack.count - 2, setItems)                               // SETITEM
            case 0x75: try fill(from: try popMark(), setItems)                                 // SETITEMS
            case 0x94: try memoize(memo.count)                                                 // MEMOIZE
            case 0x71: try memoize(Int(try byte()))                                            // BINPUT
            case 0x72: try memoize(Int(try le(4)))                                             // LONG_BINPUT
            case 0x68, 0x6A:                                                                   // BINGET, LONG_BINGET
                let key = op == 0x68 ? Int(try byte()) : Int(try le(4))
                guard let entry = memo[key] else { throw fail("unknown memo \(key)") }
                guard case .item(let item) = entry else { throw fail("a list or dict used twice (memo \(key)) is not an allocation") }
                try build(item.size)
                stack.append(item)
            case 0x93:                                                                         // STACK_GLOBAL
                guard case .string(let n) = try pop().value, case .string(let m) = try pop().value else { throw fail("STACK_GLOBAL needs strings") }
                guard allowedGlobals.contains(m + " " + n) else { throw fail("unknown pickle content: global \(m).\(n) is not an allocation") }
                try push(.global(m, n))
            case 0x63:                                                                         // GLOBAL "module\nname\n"
                func line() throws -> String {
                    guard let nl = bytes[i...].firstIndex(of: 0x0A) else { throw fail("truncated GLOBAL") }
                    defer { i = nl + 1 }
                    return try text(bytes[i..<nl])
                }
                let m = try line(), n = try line()
                guard allowedGlobals.contains(m + " " + n) else { throw fail("unknown pickle content: global \(m).\(n) is not an allocation") }
                try push(.global(m, n))
            case 0x52:                                                                         // REDUCE
                guard case .tuple(let args) = try pop().value, case .global(let m, let n) = try pop().value else {
                    throw fail("REDUCE needs a global and a tuple")
                }
                let result = try call(m + " " + n, args, fail)
                // An array's elements are new values, made from bytes that may be a memo copy.
                let elements = if case .list(let items) = result { items.count } else { 0 }
                try build(1 + elements)
                stack.append(Item(value: result, depth: elements > 0 ? 2 : 1, size: 1 + elements))
            default:
                throw fail("unsupported opcode 0x\(String(op, radix: 16))")
            }
        }
    }

    /// The allowed callables: containers become plain values; arrays become lists of ints.
    private static func call(_ global: String, _ args: [PickleValue], _ fail: (String) -> NDError) throws -> PickleValue {
        switch global {
        case "collections defaultdict", "builtins dict": return .dict([])
        case "builtins list", "neurodamus.utils.compat Vector": return .list([])
        case "array array":
            guard args.count == 2, case .list(let items) = args[1] else { return .list([]) }
            // As Python's array module: numbers only (so that the result is two levels deep).
            guard items.allSatisfy({ if case .int = $0 { true } else { false } }) else { throw fail("array items must be integers") }
            return .list(items)
        case "array _array_reconstructor":
            guard args.count == 4, case .int(let code) = args[2], case .bytes(let raw) = args[3] else {
                throw fail("unexpected array reconstruction arguments")
            }
            // Machine formats of CPython's arraymodule: 6/7 uint32 LE/BE, 8/9 int32, 10/11 uint64, 12/13 int64.
            let width: Int, bigEndian = code % 2 == 1
            switch code {
            case 6, 7, 8, 9: width = 4
            case 10, 11, 12, 13: width = 8
            case 0, 1: width = 1
            case 2, 3, 4, 5: width = 2
            default: throw fail("array machine format \(code) is not an integer array")
            }
            guard raw.count % width == 0 else { throw fail("array bytes not a multiple of \(width)") }
            let signed = [1, 4, 5, 8, 9, 12, 13].contains(Int(code))
            return .list(stride(from: 0, to: raw.count, by: width).map { o in
                let chunk = raw[o..<(o + width)]
                let ordered = bigEndian ? Array(chunk) : chunk.reversed()
                var v = ordered.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                if signed && width < 8 && v & (UInt64(1) << (8 * width - 1)) != 0 { v |= ~((UInt64(1) << (8 * width)) - 1) }
                return .int(Int64(bitPattern: v))
            })
        default:
            throw fail("unknown pickle content: \(global)")
        }
    }
}

/// Writes a protocol-2 pickle opcode by opcode, for allocations too large to build as a
/// `PickleValue` tree first (ten million gids). Containers: `emptyDict`/`emptyList`, then
/// items between `mark()` and `setItems()`/`appends()` in batches of at most 1,000, as
/// Python writes them.
public struct PickleWriter {
    public private(set) var bytes: [UInt8] = [0x80, 2]  // PROTO 2

    public init(reserving capacity: Int = 0) { bytes.reserveCapacity(capacity + 3) }

    /// The pickle, with its STOP.
    public mutating func finish() -> [UInt8] { bytes.append(0x2E); return bytes }

    public mutating func none() { bytes.append(0x4E) }
    public mutating func bool(_ b: Bool) { bytes.append(b ? 0x88 : 0x89) }

    @inline(__always) private mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: v)); bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16)); bytes.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    @inline(__always) public mutating func int(_ i: Int64) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 10))
        let end = bytes.withUnsafeMutableBufferPointer { start + Self.encode(i, at: $0.baseAddress! + start) }
        bytes.removeLast(bytes.count - end)
    }

    /// Writes the opcode of `i` at `p` — BININT1, BININT2 or BININT as Python picks them,
    /// LONG1 beyond 32 bits — and returns its length (at most 10).
    @inline(__always) static func encode(_ i: Int64, at p: UnsafeMutablePointer<UInt8>) -> Int {
        if i >= 0 && i < 256 {
            p[0] = 0x4B; p[1] = UInt8(i); return 2
        } else if i >= 0 && i < 65536 {
            p[0] = 0x4D; p[1] = UInt8(i & 0xFF); p[2] = UInt8(i >> 8); return 3
        } else if i >= Int64(Int32.min) && i <= Int64(Int32.max) {
            let u = UInt32(bitPattern: Int32(i))
            p[0] = 0x4A
            for b in 0..<4 { p[1 + b] = UInt8(truncatingIfNeeded: u >> (8 * UInt32(b))) }
            return 5
        } else {
            let u = UInt64(bitPattern: i)
            p[0] = 0x8A; p[1] = 8
            for b in 0..<8 { p[2 + b] = UInt8(truncatingIfNeeded: u >> (8 * UInt64(b))) }
            return 10
        }
    }

    public mutating func double(_ d: Double) {
        bytes.append(0x47)                                                                  // BINFLOAT, big-endian
        let u = d.bitPattern
        for k in (0..<8).reversed() { bytes.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(k)))) }
    }

    public mutating func string(_ s: String) {
        bytes.append(0x58); u32(UInt32(s.utf8.count)); bytes.append(contentsOf: s.utf8)    // BINUNICODE
    }

    public mutating func mark() { bytes.append(0x28) }
    public mutating func emptyTuple() { bytes.append(0x29) }
    /// The items since the last mark as a tuple.
    public mutating func tuple() { bytes.append(0x74) }
    public mutating func emptyList() { bytes.append(0x5D) }
    public mutating func appends() { bytes.append(0x65) }
    public mutating func emptyDict() { bytes.append(0x7D) }
    public mutating func setItems() { bytes.append(0x75) }

    /// A list of integers, in batches of 1,000 between MARK and APPENDS. Millions of
    /// them: each batch is encoded through a pointer into room made once (at most 9 bytes
    /// an integer), not appended one byte at a time.
    public mutating func intList<C: Collection>(_ items: C) where C.Element: BinaryInteger {
        emptyList()
        guard !items.isEmpty else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: items.count * 10 + 2 * (items.count / 1000 + 1)))
        let end = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
            let p = buffer.baseAddress!
            var k = start
            var inBatch = 0
            for item in items {
                if inBatch == 0 { p[k] = 0x28; k += 1 }                            // MARK
                k += Self.encode(Int64(item), at: p + k)
                inBatch += 1
                if inBatch == 1000 { p[k] = 0x65; k += 1; inBatch = 0 }             // APPENDS
            }
            if inBatch > 0 { p[k] = 0x65; k += 1 }
            return k
        }
        bytes.removeLast(bytes.count - end)
    }

    public mutating func value(_ value: PickleValue) throws {
        switch value {
        case .none: none()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .tuple(let items):
            if items.isEmpty { emptyTuple(); return }
            mark()
            for item in items { try self.value(item) }
            tuple()
        case .list(let items):
            emptyList()
            for start in stride(from: 0, to: items.count, by: 1000) {
                mark()
                for item in items[start..<min(start + 1000, items.count)] { try self.value(item) }
                appends()
            }
        case .dict(let pairs):
            emptyDict()
            for start in stride(from: 0, to: pairs.count, by: 1000) {
                mark()
                for (key, v) in pairs[start..<min(start + 1000, pairs.count)] { try self.value(key); try self.value(v) }
                setItems()
            }
        case .bytes, .global:
            throw NDError(.system, "pickle: cannot write \(value)")
        }
    }
}
