#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDModel

/// Streams JSON-lines records from a file or stdin (`-`) in constant memory: one JSON
/// value per line, blank lines skipped, errors naming the file and line.
public final class JSONLinesReader {
    /// The path being read (`-` for stdin).
    public let path: String
    /// 1-based number of the last line returned.
    public private(set) var lineNumber = 0
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false

    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = STDIN_FILENO
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw NDError(.init(errno: errno), file: path, "cannot open: \(errnoDescription())") }
        }
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    deinit { if path != "-" { close(fd) } }

    /// The next record with its line number; nil at the end of input.
    public func nextRecord() throws -> (line: Int, value: JSONValue)? {
        var value: JSONValue? = nil
        guard try nextLine({ line, bytes in value = try JSONCodec.decode(bytes, file: path, line: line) }) else { return nil }
        return (lineNumber, value!)
    }

    /// Calls `body` with the next non-blank line's number and bytes (valid during the
    /// call only); false at the end of input.
    public func nextLine(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool {
        while true {
            guard let range = try nextLine() else { return false }
            lineNumber += 1
            let called = try buffer.withUnsafeBufferPointer { b -> Bool in
                var k = range.lowerBound
                while k < range.upperBound && (b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0D) { k += 1 }
                if k == range.upperBound { return false }  // a blank line
                try body(lineNumber, UnsafeBufferPointer(rebasing: b[range]))
                return true
            }
            if called { return true }
        }
    }

    private func nextLine() throws -> Range<Int>? {
        while true {
            let newline = buffer.withUnsafeBufferPointer { b -> Int? in
                guard end > start, let p = memchr(b.baseAddress! + start, 0x0A, end - start) else { return nil }
                return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
            }
            if let nl = newline {
                let line = start..<nl
                start = nl + 1
                return line
            }
            if eof {
                if start < end {
                    let line = start..<end
                    start = end
                    return line
                }
                return nil
            }
            // Move the partial line to the front, grow only for a line longer than the buffer.
            if start > 0 {
                let n = end - start
                buffer.withUnsafeMutableBufferPointer { b in
                    if n > 0 { b.baseAddress!.update(from: b.baseAddress! + start, count: n) }
                }
                start = 0
                end = n
            }
            if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + end, $0.count - end) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NDError(.system, file: path, line: lineNumber + 1, "cannot read: \(errnoDescription())")
            }
            if n == 0 { eof = true } else { end += n }
        }
    }
}

/// Writes JSON-lines records, one compact JSON value per line.
public final class JSONLinesWriter {
    private let sink: ByteSink

    public init(_ sink: ByteSink) { self.sink = sink }

    /// Writes one record and its newline.
    public func write(_ value: JSONValue) throws {
        var bytes = Array(try JSONCodec.encode(value).utf8)
        bytes.append(0x0A)
        try sink.write(bytes)
    }

    /// Writes one object record.
    public func write(_ object: JSONObject) throws { try write(.object(object)) }
}
