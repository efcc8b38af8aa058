import NDModel

/// The version every file of a CoreNEURON dataset starts with (NEURON 9's
/// `bbcore_write_version`, the one that added the array dimensions to bbcore_mech.dat).
public let coreNeuronFormatVersion = "1.8"

/// Writes the mixed text/binary layout of CoreNEURON's phase files: the version line,
/// integers as text lines (`12 nnode`), arrays as a `chkpnt N` line followed by the raw
/// values in the machine's byte order. The marker counter runs across the group's phase 1 and phase 2
/// files, as NEURON numbers them.
public struct PhaseWriter {
    public private(set) var bytes: [UInt8] = []
    /// The next `chkpnt` number.
    public var checkpoint: Int

    public init(checkpoint: Int = 0) {
        self.checkpoint = checkpoint
        line(coreNeuronFormatVersion)
    }

    public mutating func line(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        bytes.append(0x0A)
    }

    /// An integer line, with NEURON's label after it (CoreNEURON reads the number only).
    public mutating func int(_ value: Int, _ label: String? = nil) {
        line(label.map { "\(value) \($0)" } ?? "\(value)")
    }

    /// An array in the machine's byte order, as NEURON writes it (`fwrite`).
    public mutating func array<T>(_ values: [T]) {
        marker()
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    private mutating func marker() {
        line("chkpnt \(checkpoint)")
        checkpoint += 1
    }
}

/// Reads what `PhaseWriter` writes, checking as it goes: every integer line, every
/// marker's number, every array's bytes against the file's length. Errors name the file
/// and the line (text) or the byte offset (binary), and what was being read.
public struct PhaseReader {
    public let name: String
    let source: ByteSource
    var bytes: UnsafeRawBufferPointer { source.bytes }
    public private(set) var offset = 0
    /// Text lines read so far (binary arrays hold no line breaks that count).
    public private(set) var lineNumber = 0
    public private(set) var checkpoint: Int

    public init(_ bytes: [UInt8], name: String, checkpoint: Int = 0) throws {
        try self.init(ByteSource(bytes), name: name, checkpoint: checkpoint)
    }

    public init(_ source: ByteSource, name: String, checkpoint: Int = 0) throws {
        self.source = source
        self.name = name
        self.checkpoint = checkpoint
        if source.bytes.starts(with: Array("NDMODEL".utf8)) {
            throw NDError(.unsupported, file: name, "an ndtools model file of the retired NDMODEL format: rebuild the dataset with nd-instantiate (it now writes CoreNEURON's own format)")
        }
        let version = try textLine("the version line")
        guard version == coreNeuronFormatVersion else {
            throw NDError(.unsupported, file: name, line: 1, "format version '\(version.prefix(40))', expected '\(coreNeuronFormatVersion)' (CoreNEURON datasets as NEURON 9 writes them)")
        }
    }

    public var atEnd: Bool { offset == bytes.count }

    /// One text line, without its newline. CoreNEURON reads at most 1024 bytes a line.
    mutating func textLine(_ what: String) throws -> String {
        guard offset < bytes.count else {
            throw NDError(.malformed, file: name, line: lineNumber + 1, "truncated: the file ends where \(what) was expected")
        }
        let end = bytes[offset...].prefix(1024).firstIndex(of: 0x0A)
        guard let end else {
            throw NDError(.malformed, file: name, line: lineNumber + 1, "\(what): no end of line within 1024 bytes at offset \(offset) (truncated or corrupt)")
        }
        defer { offset = end + 1; lineNumber += 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    /// An integer line (`12 nnode`): the leading integer, the label checked when given.
    public mutating func int(_ what: String, label: String? = nil, range: ClosedRange<Int> = 0...Int(Int32.max)) throws -> Int {
        let text = try textLine(what)
        let fields = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = fields.first, let value = Int(first), value >= Int(Int32.min), value <= Int(Int32.max) else {
            throw NDError(.malformed, file: name, line: lineNumber, "\(what): expected an integer, found '\(text.prefix(40))'")
        }
        if let label, fields.count == 2, fields[1] != label {
            throw NDError(.malformed, file: name, line: lineNumber, "expected the '\(label)' line, found '\(text.prefix(40))'")
        }
        guard range.contains(value) else {
            throw NDError(.outOfRange, file: name, line: lineNumber, "\(what) \(value) outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// `count` values after a `chkpnt N` marker, in the machine's own byte order (the
    /// files hold "the native binary representation of the writing process").
    public mutating func array<T: FixedWidthInteger>(_ type: T.Type, _ count: Int, _ what: String) throws -> [T] {
        try values(count, what)
    }

    public mutating func doubles(_ count: Int, _ what: String) throws -> [Double] { try values(count, what) }

    private mutating func values<T>(_ count: Int, _ what: String) throws -> [T] {
        let marker = try textLine("the chkpnt line before \(what)")
        guard marker.hasPrefix("chkpnt "), let n = Int(marker.dropFirst(7)) else {
            throw NDError(.malformed, file: name, line: lineNumber, "expected 'chkpnt \(checkpoint)' before \(what), found '\(marker.prefix(40))'")
        }
        guard n == checkpoint else {
            throw NDError(.malformed, file: name, line: lineNumber, "chkpnt \(n) before \(what), expected chkpnt \(checkpoint) (a missing or extra array)")
        }
        checkpoint += 1
        let size = MemoryLayout<T>.size
        guard count >= 0, count <= (bytes.count - offset) / size else {
            throw NDError(.malformed, file: name, "truncated: \(what) needs \(count) × \(size) bytes at offset \(offset), the file has \(bytes.count - offset) left")
        }
        let start = offset
        offset += count * size
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count * size)]))
            initialized = count
        }
        source.release(below: offset)
        return values
    }

    public mutating func ints(_ count: Int, _ what: String) throws -> [Int32] { try array(Int32.self, count, what) }

    /// Fails unless every byte was read.
    public func expectEnd() throws {
        guard atEnd else {
            throw NDError(.malformed, file: name, line: lineNumber + 1, "\(bytes.count - offset) unexpected bytes after the last field (offset \(offset))")
        }
    }
}
