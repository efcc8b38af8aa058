import NDModel

/// The binary container of the model group files `E_1.dat`, `E_2.dat`, `E_3.dat`:
///
///     magic "NDMODEL\0" · u32 format version · u32 file kind (1 network, 2 cells, 3 gap
///     junctions) · i64 entry id · u32 section count ·
///     per section: 8-byte ASCII tag, u64 payload length, u32 CRC-32 of the payload ·
///     the payloads, in order.
///
/// Each payload is a u64 row count followed by its columns, one after the other, each a
/// little-endian array of fixed-width values. A truncated file, a length that does not
/// add up or a CRC mismatch is reported with the file and section, never simulated.
public struct ModelFile: Equatable {
    public static let magic: [UInt8] = Array("NDMODEL".utf8) + [0]
    public static let formatVersion: UInt32 = 1

    public var kind: UInt32
    public var entry: Int64
    /// Sections in file order: tag and payload.
    public var sections: [(tag: String, payload: [UInt8])]

    public init(kind: UInt32, entry: Int64, sections: [(tag: String, payload: [UInt8])]) {
        self.kind = kind
        self.entry = entry
        self.sections = sections
    }

    public static func == (a: ModelFile, b: ModelFile) -> Bool {
        a.kind == b.kind && a.entry == b.entry && a.sections.map(\.tag) == b.sections.map(\.tag)
            && a.sections.map(\.payload) == b.sections.map(\.payload)
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.bytes(Self.magic)
        w.u32(Self.formatVersion)
        w.u32(kind)
        w.i64(entry)
        w.u32(UInt32(sections.count))
        for s in sections {
            var tag = Array(s.tag.utf8.prefix(8))
            tag += [UInt8](repeating: 0, count: 8 - tag.count)
            w.bytes(tag)
            w.u64(UInt64(s.payload.count))
            w.u32(crc32Checksum(s.payload))
        }
        for s in sections { w.bytes(s.payload) }
        return w.data
    }

    /// Parses and checks a file; `name` is used in errors, `expectedKind` must match.
    public init(decoding bytes: [UInt8], name: String, expectedKind: UInt32) throws {
        var r = ByteReader(bytes, name: name)
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.magic else {
            throw NDError(file: name, "not an ndtools model file (bad magic), or truncated")
        }
        r.offset = 8
        let version = try r.u32("format version")
        guard version == Self.formatVersion else {
            throw NDError(file: name, "model format version \(version), this nd-core reads version \(Self.formatVersion)")
        }
        kind = try r.u32("file kind")
        guard kind == expectedKind else { throw NDError(file: name, "file kind \(kind), expected \(expectedKind)") }
        entry = try r.i64("entry id")
        let count = try r.u32("section count")
        guard count < 1024 else { throw NDError(file: name, "implausible section count \(count) (corrupt header)") }
        var table: [(String, Int, UInt32)] = []
        for i in 0..<Int(count) {
            let tagBytes = try r.take(8, "section \(i) tag")
            let tagLength = tagBytes.firstIndex(of: 0) ?? 8
            guard tagBytes[tagLength...].allSatisfy({ $0 == 0 }) else {
                throw NDError(file: name, "section \(i): malformed tag (corrupt header)")
            }
            let tag = String(decoding: tagBytes[..<tagLength], as: UTF8.self)
            let length = try r.u64("section \(tag) length")
            let crc = try r.u32("section \(tag) checksum")
            guard length <= UInt64(bytes.count) else {
                throw NDError(file: name, "section '\(tag)': length \(length) beyond the file's \(bytes.count) bytes (truncated or corrupt)")
            }
            table.append((tag, Int(length), crc))
        }
        var sections: [(tag: String, payload: [UInt8])] = []
        for (tag, length, crc) in table {
            let payload = try r.take(length, "section '\(tag)'")
            guard crc32Checksum(payload) == crc else {
                throw NDError(file: name, "section '\(tag)': checksum mismatch (the file is corrupt)")
            }
            sections.append((tag, payload))
        }
        guard r.offset == bytes.count else {
            throw NDError(file: name, "\(bytes.count - r.offset) bytes after the last section (corrupt)")
        }
        self.sections = sections
    }

    /// The payload of section `tag`.
    public func section(_ tag: String, name: String) throws -> [UInt8] {
        guard let s = sections.first(where: { $0.tag == tag }) else {
            throw NDError(file: name, "no section '\(tag)'")
        }
        return s.payload
    }
}

/// Little-endian appends; whole arrays are copied at once.
public struct ByteWriter {
    public private(set) var data: [UInt8] = []
    public init() {}
    public mutating func bytes(_ b: [UInt8]) { data += b }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data += $0 } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data += $0 } }
    public mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { data += $0 } }
    public mutating func i32s(_ v: [Int32]) { array(v) }
    public mutating func i64s(_ v: [Int64]) { array(v) }
    public mutating func f64s(_ v: [Double]) { array(v.map(\.bitPattern)) }

    private mutating func array<T: FixedWidthInteger>(_ v: [T]) {
        #if _endian(little)
        v.withUnsafeBytes { data += $0 }
        #else
        for x in v { withUnsafeBytes(of: x.littleEndian) { data += $0 } }
        #endif
    }
}

/// Little-endian reads with bounds checks that name the file and what was being read.
public struct ByteReader {
    let bytes: [UInt8]
    let name: String
    public var offset = 0

    public init(_ bytes: [UInt8], name: String) { self.bytes = bytes; self.name = name }

    public mutating func take(_ n: Int, _ what: String) throws -> [UInt8] {
        guard n >= 0, offset + n <= bytes.count else {
            throw NDError(file: name, "truncated: \(what) needs \(n) bytes at offset \(offset), the file has \(bytes.count)")
        }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    private mutating func load<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        try array(T.self, 1, what)[0]
    }

    /// `n` values of `T` at the current offset.
    private mutating func array<T: FixedWidthInteger>(_ type: T.Type, _ n: Int, _ what: String) throws -> [T] {
        let size = MemoryLayout<T>.size
        guard n >= 0, offset + n * size <= bytes.count else {
            throw NDError(file: name, "truncated: \(what) at offset \(offset), the file has \(bytes.count) bytes")
        }
        let start = offset
        offset += n * size
        return bytes.withUnsafeBytes { raw in
            (0..<n).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: start + $0 * size, as: T.self)) }
        }
    }

    public mutating func u32(_ what: String) throws -> UInt32 { try load(UInt32.self, what) }
    public mutating func u64(_ what: String) throws -> UInt64 { try load(UInt64.self, what) }
    public mutating func i64(_ what: String) throws -> Int64 { try load(Int64.self, what) }

    public mutating func i32s(_ n: Int, _ what: String) throws -> [Int32] { try array(Int32.self, n, what) }
    public mutating func i64s(_ n: Int, _ what: String) throws -> [Int64] { try array(Int64.self, n, what) }
    public mutating func f64s(_ n: Int, _ what: String) throws -> [Double] {
        try array(UInt64.self, n, what).map { Double(bitPattern: $0) }
    }

    public var atEnd: Bool { offset == bytes.count }
}
