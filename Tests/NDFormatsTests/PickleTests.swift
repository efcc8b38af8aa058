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
        #expect(error?.message.contains("unknown pickle content: global posix.system") == true)
        #expect(throws: NDError.self) { try Pickle.decode([0x80, 0x02, 0x7D], name: "truncated") }
    }
}
