import CDeflate
import CZlib
import NDModel

/// gzip compression and decompression through zlib, in memory.
public enum Gzip {
    /// The gzip member of `bytes` (header with no name and mtime 0, so that the same
    /// input gives the same bytes). libdeflate, not zlib: it compresses a whole buffer in
    /// one call at about twice zlib's speed for the same ratio (an allocation pickle of 10
    /// MB at level 1: 0.13 s against 0.22 s).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        guard let compressor = libdeflate_alloc_compressor(level) else {
            throw NDError(.system, "libdeflate: cannot make a compressor of level \(level)")
        }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_gzip_compress_bound(compressor, bytes.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = bytes.withUnsafeBytes { inp in
            output.withUnsafeMutableBytes { out in
                libdeflate_gzip_compress(compressor, inp.baseAddress, inp.count, out.baseAddress, out.count)
            }
        }
        guard written > 0 else { throw NDError(.system, "libdeflate: compression failed") }
        output.removeSubrange(written...)
        return output
    }

    /// The decompressed content of gzip (or zlib) data; `name` is used in errors.
    /// Concatenated gzip members are read one after another, as gunzip does. More than
    /// `limit` bytes of output is an error, raised as soon as they are reached: gzip data
    /// can expand a thousandfold (a gzip bomb), and the output is held in memory.
    public static func decompress(_ bytes: [UInt8], name: String = "-", limit: Int = .max) throws -> [UInt8] {
        guard !bytes.isEmpty else { throw NDError(.malformed, file: name, "empty file, expected gzip data") }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset = 0
        var input = bytes
        repeat {
            var stream = z_stream()
            guard nd_inflate_init_gzip(&stream) == Z_OK else {
                throw NDError(.system, file: name, "zlib: cannot initialise decompression")
            }
            defer { inflateEnd(&stream) }
            var status: Int32 = Z_OK
            try input.withUnsafeMutableBufferPointer { inp in
                stream.next_in = inp.baseAddress! + offset
                stream.avail_in = uInt(inp.count - offset)
                while status != Z_STREAM_END {
                    let produced: Int = chunk.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = uInt(out.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        return out.count - Int(stream.avail_out)
                    }
                    if status != Z_OK && status != Z_STREAM_END {
                        let what = status == Z_BUF_ERROR ? "truncated gzip data" : "corrupt gzip data (zlib status \(status))"
                        throw NDError(.malformed, file: name, "\(what) at byte \(offset + Int(stream.total_in))")
                    }
                    guard produced <= limit - result.count else {
                        throw NDError(.outOfRange, file: name, "decompresses to more than \(limit) bytes, the most accepted for this file (a gzip bomb?)")
                    }
                    result.append(contentsOf: chunk[0..<produced])
                }
                offset += Int(stream.total_in)
            }
        } while offset < input.count && input[offset] == 0x1F
        return result
    }

    /// Reads and decompresses the gzip file at `path` (`-` for stdin).
    public static func read(_ path: String) throws -> [UInt8] {
        try decompress(try FileBytes.read(path), name: path)
    }

    /// Compresses `bytes` into the file at `path`, atomically. Level 1: allocation pickles
    /// are read once; compressing harder costs more time than it saves space.
    public static func write(_ bytes: [UInt8], to path: String, level: Int32 = 1) throws {
        try AtomicFile.write(try compress(bytes, level: level), to: path)
    }
}

/// CRC-32 (as gzip and zip use it), for checksums of model files.
public func crc32Checksum(_ bytes: [UInt8], continuing previous: UInt32 = 0) -> UInt32 {
    bytes.withUnsafeBytes { crc32Checksum($0, continuing: previous) }
}

public func crc32Checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return previous }
    return UInt32(crc32(uLong(previous), base.assumingMemoryBound(to: UInt8.self), uInt(bytes.count)))
}
