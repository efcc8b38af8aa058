#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDModel

/// An output file written under a temporary name beside its destination and renamed
/// into place only when complete: an interrupted or failed run never leaves a
/// half-written file behind, and an existing file is replaced in one step.
///
/// A destination that is not a regular file is never replaced: a character device or a
/// FIFO (`/dev/null`, `/dev/stdout`, a named pipe), or a link to one, is written
/// through, as stdout is; any other symbolic link, a folder or a block device is an error.
public final class AtomicFile {
    /// Where the file ends up.
    public let destination: String
    /// The temporary file being written (the destination itself when written through).
    public let temporaryPath: String
    /// Whether the destination is a device or FIFO written directly, with no rename.
    public let writesThrough: Bool
    private var fd: Int32
    private let writer: BufferedWriter
    private var finished = false

    /// Creates the temporary file. Refuses to write over any of `inputs` (same file,
    /// whatever the path spelling): an input is never overwritten.
    public init(_ destination: String, protecting inputs: [String] = []) throws {
        for input in inputs where input != "-" && sameFile(input, destination) {
            throw NDError(.usage, file: destination, "refusing to overwrite the input file \(input)")
        }
        self.destination = destination
        var st = stat(), target = stat()
        if lstat(destination, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            // A link to a device or FIFO (/dev/stdout) is written through like its target.
            let kind = (st.st_mode & S_IFMT) == S_IFLNK && stat(destination, &target) == 0
                && [S_IFCHR, S_IFIFO, S_IFSOCK].contains(target.st_mode & S_IFMT) ? target.st_mode & S_IFMT : st.st_mode & S_IFMT
            switch kind {
            case S_IFCHR, S_IFIFO, S_IFSOCK:
                let fd = open(destination, O_WRONLY | O_CLOEXEC)
                if fd < 0 { throw NDError(.init(errno: errno), file: destination, "cannot open for writing: \(errnoDescription())") }
                self.fd = fd
                temporaryPath = destination
                writesThrough = true
                writer = BufferedWriter(fd: fd, name: destination)
                return
            case S_IFLNK: throw NDError(.usage, file: destination, "is a symbolic link: refusing to replace it (name its target instead)")
            case S_IFDIR: throw NDError(.usage, file: destination, "is a folder, expected a file name")
            default: throw NDError(.usage, file: destination, "is a block device or special file: refusing to write to it")
            }
        }
        writesThrough = false
        let slash = destination.lastIndex(of: "/")
        let dir = slash.map { String(destination[...$0]) } ?? ""
        let base = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        var template = Array((dir + "." + base + ".tmp.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw NDError(.init(errno: errno), file: destination, "cannot create a temporary file beside it: \(errnoDescription())")
        }
        fchmod(fd, 0o644 & ~currentUmask())
        self.fd = fd
        self.temporaryPath = String(cString: template)
        self.writer = BufferedWriter(fd: fd, name: destination)
        TemporaryFiles.register(temporaryPath)
    }

    /// Appends bytes (buffered); a failed write abandons the file.
    public func write(_ bytes: [UInt8]) throws {
        do { try writer.write(bytes) } catch { abandon(); throw error }
    }

    /// Appends the UTF-8 of `text`.
    public func write(_ text: String) throws {
        do { try writer.write(text) } catch { abandon(); throw error }
    }

    private func flush() throws {
        do { try writer.flush() } catch { abandon(); throw error }
    }

    /// Writes what is buffered, closes and renames into place.
    public func commit() throws {
        guard !finished else { return }
        try flush()
        if close(fd) != 0 {
            let message = errnoDescription()
            fd = -1
            abandon()
            throw NDError(.system, file: destination, "cannot write: \(message)")
        }
        fd = -1
        if writesThrough { finished = true; return }
        if rename(temporaryPath, destination) != 0 {
            let message = errnoDescription()
            abandon()
            throw NDError(.system, file: destination, "cannot rename \(temporaryPath) into place: \(message)")
        }
        finished = true
        TemporaryFiles.unregister(temporaryPath)
    }

    /// Removes the temporary file; the destination is left as it was.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if fd >= 0 { close(fd); fd = -1 }
        if writesThrough { return }
        unlink(temporaryPath)
        TemporaryFiles.unregister(temporaryPath)
    }

    deinit { abandon() }

    /// Writes `bytes` to `destination` atomically.
    public static func write(_ bytes: [UInt8], to destination: String, protecting inputs: [String] = []) throws {
        let file = try AtomicFile(destination, protecting: inputs)
        try file.write(bytes)
        try file.commit()
    }
}

private func currentUmask() -> mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
}

/// Whether two paths name the same existing file.
public func sameFile(_ a: String, _ b: String) -> Bool {
    var sa = stat(), sb = stat()
    guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}

/// Temporary files still being written, removed if the process is interrupted.
public enum TemporaryFiles {
    private static let lock = Mutex()
    nonisolated(unsafe) private static var paths: [String] = []
    nonisolated(unsafe) private static var installed = false

    static func register(_ path: String) {
        lock.locked {
            paths.append(path)
            if !installed {
                installed = true
                for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { signal(sig, temporaryFilesSignalHandler) }
            }
        }
    }

    static func unregister(_ path: String) {
        lock.locked { paths.removeAll { $0 == path } }
    }

    /// Removes every registered temporary file; used by the signal handlers.
    public static func removeAll() {
        for path in paths { unlink(path) }
    }
}

private func temporaryFilesSignalHandler(_ sig: Int32) {
    TemporaryFiles.removeAll()
    signal(sig, SIG_DFL)
    raise(sig)
}
