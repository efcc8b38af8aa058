#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDModel

/// Buffered writes to a file descriptor where every failed write is an error naming
/// `name` — never a silent success.
public final class BufferedWriter {
    private let fd: Int32
    private let name: String
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 16

    public init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
        buffer.reserveCapacity(Self.flushThreshold)
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Sends everything buffered; on failure the buffer is dropped and the error thrown.
    public func flush() throws {
        var offset = 0
        defer { buffer.removeAll(keepingCapacity: true) }
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NDError(.system, file: name, "cannot write: \(errnoDescription())")
            }
            offset += n
        }
    }
}
