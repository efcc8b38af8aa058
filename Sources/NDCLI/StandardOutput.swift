#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDFormats
import NDModel

/// stdout as the tools write data to it: buffered, and a failed write — a full disk, a
/// closed pipe reader — is an error, never a silent success.
public final class StandardOutput: ByteSink {
    private let writer = BufferedWriter(fd: STDOUT_FILENO, name: "stdout")

    public init() {}

    public func write(_ bytes: [UInt8]) throws { try writer.write(bytes) }

    /// Writes `text` as UTF-8.
    public func write(_ text: String) throws { try writer.write(text) }

    /// Sends everything buffered; throws on a failed write.
    public func flush() throws { try writer.flush() }

    deinit { try? writer.flush() }
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
