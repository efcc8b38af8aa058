#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDModel

/// The bytes of a phase file as the reader walks them: a file mapped read-only, whose
/// pages the reader gives back once it has copied what they hold (so that a group's
/// peak memory is its decoded fields, not also its file), or bytes already in memory.
public final class ByteSource {
    public let bytes: UnsafeRawBufferPointer
    private let mapped: Bool
    private var released = 0
    private static let page = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Bytes in memory (copied).
    public init(_ array: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(array.count, 1), alignment: 16)
        array.withUnsafeBytes { if $0.count > 0 { buffer.copyMemory(from: $0) } }
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<array.count])
        mapped = false
    }

    /// The file at `path`, mapped.
    public init(mapping path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw NDError(.init(errno: errno), file: path, "cannot open: \(errnoDescription())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw NDError(.system, file: path, "cannot stat: \(errnoDescription())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw NDError(.usage, file: path, "not a regular file") }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw NDError(.system, file: path, "cannot map: \(errnoDescription())")
        }
        madvise(p, size, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(p), count: size)
        mapped = true
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    public var count: Int { bytes.count }

    /// Gives back the whole pages before `offset` (a mapped file only): they are read again
    /// from the file should anything touch them.
    public func release(below offset: Int) {
        guard mapped, let base = bytes.baseAddress else { return }
        let end = offset / Self.page * Self.page
        guard end - released >= 1 << 20 || (offset >= bytes.count && end > released) else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + released), end - released, MADV_DONTNEED)
        released = end
    }

    /// CRC-32 of all the bytes, giving pages back as it goes.
    public func crc32() -> UInt32 {
        var crc: UInt32 = 0
        var start = 0
        while start < bytes.count {
            let end = min(start + (4 << 20), bytes.count)
            crc = crc32Checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), continuing: crc)
            release(below: end)
            start = end
        }
        released = 0
        return crc
    }
}
