#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import NDModel

/// Sizes of the `<entry>_2.dat` files of a CoreNEURON data folder: the load the
/// rebalance and stats tools give each files.dat entry.
///
/// One `fstatat` per entry relative to an open folder handle (no path resolution of the
/// folder per entry), spread over the cores: the kernel's stat is the whole cost.
public struct DatEntrySizes {
    /// The folder the entries live in (`""` means the current folder).
    public let folder: String
    /// The file that listed the entries, for error messages.
    public let listingFile: String

    public init(folder: String, listingFile: String) {
        self.folder = folder
        self.listingFile = listingFile
    }

    /// Path of the file whose size is an entry's load, as `os.path.join` would make it.
    public func dataPath(of entry: String) -> String {
        let name = entry + "_2.dat"
        if name.hasPrefix("/") || folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The size of each entry's `_2.dat`, in entry order. `lineOf(i)` gives the
    /// listing-file line of entry `i` for the error naming a missing file; `progress` is
    /// called (serially) with the number of entries done since its last call.
    public func sizes(
        of entries: [String],
        lineOf: (Int) -> Int,
        progress: ((Int) -> Void)? = nil
    ) throws -> [ByteCount] {
        let count = entries.count
        var sizes = [ByteCount](repeating: 0, count: count)
        if count == 0 { return sizes }
        let dirPath = folder.isEmpty ? "." : folder
        let dirfd = open(dirPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd < 0 {
            throw NDError(.init(errno: errno), file: listingFile, "cannot open the data folder \(dirPath): \(errnoDescription())")
        }
        defer { close(dirfd) }

        let chunkSize = 4096
        let chunks = (count + chunkSize - 1) / chunkSize
        let lock = Mutex()
        var firstFailure: (index: Int, code: Int32)? = nil
        sizes.withUnsafeMutableBufferPointer { out in
            let outBase = out.baseAddress!
            entries.withUnsafeBufferPointer { names in
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let lo = chunk * chunkSize
                    let hi = min(lo + chunkSize, count)
                    var path = [CChar](repeating: 0, count: 256)
                    var st = stat()
                    var failure: (Int, Int32)? = nil
                    for i in lo..<hi {
                        var name = names[i]
                        let needed = name.utf8.count + 7
                        if path.count < needed { path = [CChar](repeating: 0, count: needed * 2) }
                        path.withUnsafeMutableBufferPointer { p in
                            let base = UnsafeMutableRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self)
                            var k = 0
                            name.withUTF8 { u in
                                if u.count > 0 { base.update(from: u.baseAddress!, count: u.count) }
                                k = u.count
                            }
                            for b in "_2.dat".utf8 { base[k] = b; k += 1 }
                            base[k] = 0
                            if fstatat(dirfd, p.baseAddress!, &st, 0) == 0 {
                                outBase[i] = ByteCount(st.st_size)
                            } else if failure == nil {
                                failure = (i, errno)
                            }
                        }
                        if failure != nil { break }
                    }
                    lock.locked {
                        if let (i, code) = failure, firstFailure == nil || i < firstFailure!.index {
                            firstFailure = (i, code)
                        }
                        progress?(hi - lo)
                    }
                }
            }
        }
        if let failure = firstFailure {
            let entry = entries[failure.index]
            throw NDError(
                .init(errno: failure.code), file: listingFile, line: lineOf(failure.index),
                "entry '\(entry)': cannot stat its data file \(dataPath(of: entry)): \(errnoDescription(failure.code))")
        }
        return sizes
    }
}
