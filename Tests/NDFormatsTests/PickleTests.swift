import NDFormats
import NDModel
import Testing

@Suite struct PickleTests {
    @Test func roundTripsTheAllocationShape() throws {
        let value: PickleValue = .dict([
            (.string("S1"), .dict([(.tuple([.int(0), .int(1)]), .list((0..<2500).map { .int(Int64($0 * 70_000)) }))])),
            (.string("Ä"), .dict([])),
            (.string("n"), .list([.int(-5), .int(-70_000), .int(1 << 40), .int(255), .int(256), .none, .bool(true), .double(1.5)])),
        ])
        #expect(try Pickle.decode(try Pickle.encode(value), name: "x") == value)
    }

    @Test func readsArraysAsNeurodamusPicklesThem() throws {
        // array._array_reconstructor(Vector, 'I', 6 (uint32 LE), b'...'), with memo and frames (protocol 4).
        var bytes: [UInt8] = [0x80, 0x04, 0x95, 0, 0, 0, 0, 0, 0, 0, 0]
        func s(_ t: String) -> [UInt8] { [0x8C, UInt8(t.utf8.count)] + Array(t.utf8) }
        bytes += s("array") + [0x94] + s("_array_reconstructor") + [0x94, 0x93, 0x94, 0x28]
        bytes += s("neurodamus.utils.compat") + s("Vector") + [0x93]
        bytes += s("I") + [0x4B, 6, 0x43, 8, 7, 0, 0, 0, 255, 255, 255, 255] + [0x74, 0x52, 0x2E]
        #expect(try Pickle.decode(bytes, name: "a") == .list([.int(7), .int(4_294_967_295)]))
    }

    @Test func refusesGlobalsThatAreNotAllocations() {
        let bytes: [UInt8] = [0x80, 0x02, 0x63] + Array("posix\nsystem\n".utf8) + [0x58, 2, 0, 0, 0] + Array("ls".utf8) + [0x85, 0x52, 0x2E]
        let error = #expect(throws: NDError.self) { try Pickle.decode(bytes, name: "evil.pkl") }
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("global posix.system") == true)
        let truncated = #expect(throws: NDError.self) { try Pickle.decode([0x80, 0x02, 0x7D], name: "truncated") }
        #expect(truncated?.kind == .malformed)
    }

    func failure(_ bytes: [UInt8]) -> String {
        do { _ = try Pickle.decode(bytes, name: "bad.pkl"); return "no error" } catch { return "\(error)" }
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        // MARK x 200,000, EMPTY_LIST, LIST x 200,000: lists in lists 200,001 deep, which
        // crashed (SIGSEGV) as the value was compared or freed.
        let n = 200_000
        let bytes: [UInt8] = [0x80, 2] + [UInt8](repeating: 0x28, count: n) + [0x5D] + [UInt8](repeating: 0x6C, count: n) + [0x2E]
        #expect(failure(bytes) == "bad.pkl: pickle: nested deeper than \(Pickle.maxDepth) levels at byte \(n + 3 + Pickle.maxDepth)")
        // As deep as allowed reads.
        let deep: [UInt8] = [0x80, 2] + [UInt8](repeating: 0x28, count: Pickle.maxDepth - 1) + [0x5D]
            + [UInt8](repeating: 0x6C, count: Pickle.maxDepth - 1) + [0x2E]
        #expect(failure(deep) == "no error")
    }

    @Test func lengthsAreCheckedAgainstTheBytesLeft() {
        // BINUNICODE8 and BINBYTES8 of 2^64 - 1 bytes trapped converting the length to Int.
        for op: UInt8 in [0x8D, 0x8E] {
            #expect(failure([0x80, 4, op] + [UInt8](repeating: 0xFF, count: 8) + Array("abc".utf8) + [0x2E])
                    == "bad.pkl: pickle: truncated at byte 11")
        }
        #expect(failure([0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x61, 0x2E]) == "bad.pkl: pickle: truncated at byte 7")
    }

    @Test func theMemoIsKeyedNotSizedByItsIndices() throws {
        // LONG_BINPUT / LONG_BINGET 2^32 - 1: one entry, not a table of 2^32.
        let bytes: [UInt8] = [0x80, 2, 0x4B, 7, 0x72, 0xFF, 0xFF, 0xFF, 0xFF, 0x6A, 0xFF, 0xFF, 0xFF, 0xFF, 0x86, 0x2E]
        #expect(try Pickle.decode(bytes, name: "m") == .tuple([.int(7), .int(7)]))
        #expect(failure([0x80, 2, 0x68, 3, 0x2E]) == "bad.pkl: pickle: unknown memo 3 at byte 4")
        // A list fetched again would be a copy where Python shares it: refused.
        #expect(failure([0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x86, 0x2E])
                == "bad.pkl: pickle: a list or dict used twice (memo 0) is not an allocation at byte 7")
    }

    @Test func memoCopiesCannotBuildExponentiallyLargeKeys() {
        // Two equal keys, each built by 40 times (top, a memo copy of it) -> top: 2^40
        // values from 418 bytes; comparing them hung (28 levels took 22 s).
        func key(_ base: UInt8) -> [UInt8] {
            var b: [UInt8] = [0x4B, 0, 0x71, base]
            for k in 1...40 { b += [0x68, base + UInt8(k - 1), 0x86, 0x71, base + UInt8(k)] }
            return b
        }
        let bytes: [UInt8] = [0x80, 2, 0x7D, 0x28] + key(0) + [0x4B, 1] + key(100) + [0x4B, 2] + [0x75, 0x2E]
        #expect(bytes.count == 418)
        #expect(failure(bytes) == "bad.pkl: pickle: memo copies build more values than twice the pickle's size (a pickle bomb?) at byte 50")
    }

    @Test func dictKeysAreHashableAndARepeatedKeyReplaces() throws {
        // EMPTY_DICT, EMPTY_LIST, 1, SETITEM: Python refuses a list as a key.
        #expect(failure([0x80, 2, 0x7D, 0x5D, 0x4B, 1, 0x73, 0x2E]) == "bad.pkl: pickle: unhashable dict key: a list at byte 7")
        #expect(failure([0x80, 2, 0x7D, 0x5D, 0x85, 0x4B, 1, 0x73, 0x2E]) == "bad.pkl: pickle: unhashable dict key: a tuple at byte 8")
        // {1: 2, 3: 4, 1: 5} is {1: 5, 3: 4}, through SETITEMS and DICT.
        let items: [UInt8] = [0x28, 0x4B, 1, 0x4B, 2, 0x4B, 3, 0x4B, 4, 0x4B, 1, 0x4B, 5]
        let expected: PickleValue = .dict([(.int(1), .int(5)), (.int(3), .int(4))])
        #expect(try Pickle.decode([0x80, 2, 0x7D] + items + [0x75, 0x2E], name: "d") == expected)
        #expect(try Pickle.decode([0x80, 2] + items + [0x64, 0x2E], name: "d") == expected)
    }

    @Test func integerListsAreThoseOfTheGenericEncoder() throws {
        // Every width Python picks, each side of its boundary, across batches of 1,000.
        let edges: [Int64] = [0, 1, 255, 256, 65535, 65536, Int64(Int32.max), Int64(Int32.max) + 1, -1, Int64(Int32.min),
                              Int64(Int32.min) - 1, Int64.max, Int64.min]
        let values = (0..<2_345).map { edges[$0 % edges.count] }
        var writer = PickleWriter()
        writer.intList(values)
        #expect(writer.finish() == (try Pickle.encode(.list(values.map { .int($0) }))))
        var empty = PickleWriter()
        empty.intList([Int64]())
        #expect(empty.finish() == (try Pickle.encode(.list([]))))
        #expect(try Pickle.decode(try Pickle.encode(.list(values.map { .int($0) })), name: "x") == .list(values.map { .int($0) }))
    }
}
