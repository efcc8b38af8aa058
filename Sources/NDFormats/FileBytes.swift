#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDModel

/// Whole-file reads with errors that name the file; `-` reads stdin.
public enum FileBytes {
    /// All bytes of `path` (or of stdin for `-`).
    public static func read(_ path: String) throws -> [UInt8] {
        let fd: Int32 = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw NDError(.init(errno: errno), file: path, "cannot open: \(errnoDescription())") }
        defer { if path != "-" { close(fd) } }
        var result: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            throw NDError(.usage, file: path, "is a directory, expected a file")
        }
        var capacity = st.st_size > 0 ? Int(st.st_size) + 1 : 65536
        result.reserveCapacity(capacity)
        var chunk = [UInt8](repeating: 0, count: min(max(capacity, 4096), 1 << 22))
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NDError(.init(errno: errno), file: path, "cannot read: \(errnoDescription())")
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
            capacity = result.count
        }
        return result
    }
}

/// The message for the current `errno`.
public func errnoDescription(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// Creates `path` and its missing parents (`mkdir -p`).
public func makeDirectories(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        prefix += part + "/"
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw NDError(.system, file: path, "cannot create folder \(prefix): \(errnoDescription())")
        }
    }
}

/// Whether a regular file exists at `path`.
public func fileExists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
}

/// A regular file mapped read-only into memory: its bytes without a copy (the pages are
/// the page cache's), for inputs of a gigabyte read once.
public final class MappedFile: @unchecked Sendable {
    public let bytes: UnsafeBufferPointer<UInt8>

    /// How the mapping will be read: front to back (the kernel reads ahead), or in
    /// scattered places (it fetches only around what is touched).
    public enum Access: Sendable { case sequential, random }

    /// nil when `path` is not a non-empty regular file (stdin, a pipe): read it instead.
    public init?(_ path: String, access: Access = .sequential) throws {
        guard path != "-" else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw NDError(.init(errno: errno), file: path, "cannot open: \(errnoDescription())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        let size = Int(st.st_size)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw NDError(.system, file: path, "cannot map into memory: \(errnoDescription())")
        }
        madvise(base, size, access == .sequential ? MADV_SEQUENTIAL : MADV_NORMAL)
        bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
}

/// Removes `path` and, for a folder, everything in it (symlinks are removed, never
/// followed); nothing to do when it does not exist.
public func removeTree(_ path: String) throws {
    var st = stat()
    guard lstat(path, &st) == 0 else {
        if errno == ENOENT { return }
        throw NDError(.system, file: path, "cannot remove: \(errnoDescription())")
    }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        guard let dir = opendir(path) else { throw NDError(.system, file: path, "cannot remove: \(errnoDescription())") }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names { try removeTree(PathUtil.join(path, name)) }
        guard rmdir(path) == 0 else { throw NDError(.system, file: path, "cannot remove: \(errnoDescription())") }
    } else if unlink(path) != 0 {
        throw NDError(.system, file: path, "cannot remove: \(errnoDescription())")
    }
}
