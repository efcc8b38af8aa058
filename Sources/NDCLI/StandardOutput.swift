#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDFormats
import NDModel

/// Buffered writes to a file descriptor (stdout by default) where a failed write — a
/// full disk, a closed pipe reader — is an error, never a silent success.
public final class StandardOutput: ByteSink {
    private let fd: Int32
    private let name: String
    private var buffer: [UInt8] = []

    public init(fd: Int32 = STDOUT_FILENO, name: String = "stdout") {
        self.fd = fd
        self.name = name
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes `text` as UTF-8.
    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Sends everything buffered; throws on a failed write.
    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = errnoDescription()
                buffer.removeAll()
                throw NDError("error writing to \(name): \(message)")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { try? flush() }
}

/// Messages for humans, on stderr (unbuffered, so they interleave with progress).
public enum StandardError {
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            offset += n
        }
    }

    /// Whether stderr is a terminal.
    public static var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}
