#if canImport(Glibc)
import Glibc
#endif
import CHDF5
import NDFormats
import NDModel

/// An open HDF5 file (SONATA nodes/edges, morphologies). Closed when released. Calls into
/// libhdf5 hold one process-wide lock (`guarded`).
///
/// Reading works by path (`/nodes/S1/0/mtype`) and by row ranges (hyperslabs), so a
/// column of a large file is read in chunks, never as a whole unless asked.
public final class HDF5File {
    /// The path it was opened from, for error messages.
    public let path: String
    let id: hid_t
    /// The file mapped read-only, made the first time a contiguous column is read by row
    /// ranges (`readMapped`); nil when it cannot be. It stays mapped while the file is
    /// open: a bucket's edges touch pages all over the file, and the next bucket's touch
    /// the same pages again. (They are the file's clean pages, counted in the process's
    /// resident memory but reclaimable by the kernel at any time.)
    lazy var mapping: MappedFile? = try? MappedFile(path, access: .random)
    /// Datasets read by row ranges, once found contiguous or not (`readMapped`).
    var contiguousColumns: [String: ContiguousColumn?] = [:]

    /// Opens an existing file read-only. `sieveBufferBytes` sets HDF5's data sieve
    /// buffer (64 KiB by default): a read of fewer bytes from a contiguous dataset
    /// fetches that many from where it starts, so scattered small ranges (a bucket's
    /// edges) want a small one.
    public init(reading path: String, sieveBufferBytes: Int? = nil) throws {
        HDF5File.library.locked { _ = H5Eset_auto2(nd_H5E_DEFAULT(), nil, nil) }  // errors come back as return codes, not stderr dumps
        let crashMessage = HDF5CrashGuard.message(for: path)
        let id = try HDF5File.library.locked { try HDF5CrashGuard.reading(crashMessage) { () throws -> hid_t in
            guard H5Fis_hdf5(path) > 0 else {
                throw NDError(.malformed, file: path, "not a readable HDF5 file (missing, truncated or corrupt)")
            }
            var access = nd_H5P_DEFAULT()
            if let sieveBufferBytes {
                access = H5Pcreate(nd_H5P_FILE_ACCESS())
                H5Pset_sieve_buf_size(access, sieveBufferBytes)
            }
            defer { if access != nd_H5P_DEFAULT() { H5Pclose(access) } }
            return H5Fopen(path, nd_H5F_ACC_RDONLY(), access)
        } }
        guard id >= 0 else { free(crashMessage); throw NDError(.malformed, file: path, "cannot open as HDF5") }
        self.path = path
        self.id = id
        self.crashMessage = crashMessage
    }

    /// What `HDF5CrashGuard` prints if libhdf5 crashes on this file.
    private let crashMessage: UnsafeMutablePointer<CChar>?

    /// Runs `body`'s libhdf5 calls on this file holding the library's lock, and for a
    /// file being read under `HDF5CrashGuard`.
    @inline(__always)
    func guarded<T>(_ body: () throws -> T) rethrows -> T {
        try HDF5File.library.locked {
            guard let crashMessage else { return try body() }
            return try HDF5CrashGuard.reading(crashMessage, body)
        }
    }

    /// Debian's libhdf5 is built without thread safety: two threads in it at once (test
    /// suites run in parallel, a tool's worker threads) corrupt its caches. Every call goes
    /// through this lock; recursive, as one call may be made inside another's body.
    static let library = Mutex(recursive: true)

    /// Runs `body`, which calls libhdf5 directly (a test making a file ndtools' writer
    /// cannot), holding the library's lock.
    public static func withLibraryLock<T>(_ body: () throws -> T) rethrows -> T { try library.locked(body) }

    /// Creates (or truncates) a file for writing.
    public init(creating path: String) throws {
        let id = HDF5File.library.locked { _ = H5Eset_auto2(nd_H5E_DEFAULT(), nil, nil); return H5Fcreate(path, nd_H5F_ACC_TRUNC(), nd_H5P_DEFAULT(), nd_H5P_DEFAULT()) }
        guard id >= 0 else { throw NDError(.system, file: path, "cannot create HDF5 file") }
        self.path = path
        self.id = id
        crashMessage = nil
    }

    /// Opens an existing file for reading and writing (test fixtures: `overwrite`).
    public init(updating path: String) throws {
        let id = HDF5File.library.locked { _ = H5Eset_auto2(nd_H5E_DEFAULT(), nil, nil); return H5Fopen(path, nd_H5F_ACC_RDWR(), nd_H5P_DEFAULT()) }
        guard id >= 0 else { throw NDError(.system, file: path, "cannot open as HDF5 for writing") }
        self.path = path
        self.id = id
        crashMessage = nil
    }

    deinit {
        guarded { _ = H5Fclose(id) }
        free(crashMessage)
    }

    func error(_ kind: NDError.Kind, _ object: String, _ message: String) -> NDError {
        NDError(kind, file: path, "\(object): \(message)")
    }

    // MARK: structure

    /// Whether a group or dataset exists at `name` (every parent is checked first).
    public func exists(_ name: String) -> Bool { guarded { linksExist(name) } }

    private func linksExist(_ name: String) -> Bool {
        var prefix = ""
        for part in name.split(separator: "/") {
            prefix += "/" + part
            if H5Lexists(id, prefix, nd_H5P_DEFAULT()) <= 0 { return false }
        }
        return true
    }

    /// Whether `name` is a group.
    public func isGroup(_ name: String) -> Bool {
        guarded {
            guard linksExist(name) else { return false }
            let group = H5Gopen2(id, name, nd_H5P_DEFAULT())
            if group < 0 { return false }
            H5Gclose(group)
            return true
        }
    }

    /// Names of the members of group `name`, sorted.
    public func members(of name: String) throws -> [String] { try guarded { try memberNames(name) } }

    private func memberNames(_ name: String) throws -> [String] {
        let group = H5Gopen2(id, name, nd_H5P_DEFAULT())
        guard group >= 0 else { throw error(.notFound, name, "no such group") }
        defer { H5Gclose(group) }
        var info = H5G_info_t()
        H5Gget_info(group, &info)
        var names: [String] = []
        for i in 0..<info.nlinks {
            let n = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, nd_H5P_DEFAULT())
            guard n >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(n) + 1)
            H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, buffer.count, nd_H5P_DEFAULT())
            names.append(String(cString: buffer))
        }
        return names.sorted()
    }

    /// The shape of dataset `name`.
    public func shape(_ name: String) throws -> [Int] {
        try withDataset(name) { set, space in
            let rank = Int(H5Sget_simple_extent_ndims(space))
            var dims = [hsize_t](repeating: 0, count: max(rank, 1))
            H5Sget_simple_extent_dims(space, &dims, nil)
            return dims.prefix(rank).map { Int(clamping: $0) }
        }
    }

    /// The kind of values dataset `name` holds.
    public func valueKind(_ name: String) throws -> HDF5ValueKind {
        try withDataset(name) { set, _ in
            let type = H5Dget_type(set)
            defer { H5Tclose(type) }
            switch H5Tget_class(type) {
            case H5T_INTEGER: return .integer
            case H5T_FLOAT: return .float
            case H5T_STRING: return .string
            default: return .other
            }
        }
    }

    /// Runs `body` with dataset `name` open and its dataspace, under the crash guard.
    func withDataset<T>(_ name: String, _ body: (hid_t, hid_t) throws -> T) throws -> T {
        try guarded { try withOpenDataset(name, body) }
    }

    private func withOpenDataset<T>(_ name: String, _ body: (hid_t, hid_t) throws -> T) throws -> T {
        let set = H5Dopen2(id, name, nd_H5P_DEFAULT())
        // Walk the path only to explain a failure: reads are on hot paths.
        guard set >= 0 else { throw exists(name) ? error(.malformed, name, "cannot open dataset") : error(.notFound, name, "no such dataset") }
        defer { H5Dclose(set) }
        let space = H5Dget_space(set)
        defer { H5Sclose(space) }
        return try body(set, space)
    }

    /// A dataset's row count as an Int, refused (a corrupt header) when that many rows of
    /// `bytesPerRow` would not fit in memory at all.
    private func rowCount(_ name: String, _ rows: hsize_t, bytesPerRow: Int) throws -> Int {
        guard rows <= hsize_t(1 << 48) / hsize_t(max(bytesPerRow, 1)) else {
            throw error(.malformed, name, "\(rows) rows of \(bytesPerRow) bytes: more than can be read (corrupt file?)")
        }
        return Int(rows)
    }

    /// Before `rows` rows of `bytesPerRow` are read into memory sized by them: past 64 MiB,
    /// the file must store at least 1/1032 of that (deflate's largest ratio), else the
    /// shape is a corrupt header's and is refused instead of allocating for it. (Small
    /// reads, the many per-cell ones, skip the storage query.)
    private func checkStored(_ name: String, _ set: hid_t, rows: Int, bytesPerRow: Int) throws {
        let bytes = rows * bytesPerRow
        guard bytes > 64 << 20 else { return }
        let stored = H5Dget_storage_size(set)
        guard UInt64(bytes / 1032) <= stored else {
            throw error(.malformed, name, "\(rows) rows of \(bytesPerRow) bytes, but the file stores \(stored) bytes for it (corrupt file?)")
        }
    }

    // MARK: numbers

    /// Rows `rows` (all when nil) of a 1-D numeric dataset, converted by HDF5 to Int64.
    public func readInt64(_ name: String, rows: Range<Int>? = nil) throws -> [Int64] {
        try readNumbers(name, rows: rows, columns: 1, memoryType: nd_H5T_NATIVE_INT64(), zero: Int64(0))
    }

    /// Rows of a 1-D numeric dataset as Double.
    public func readDoubles(_ name: String, rows: Range<Int>? = nil) throws -> [Double] {
        try readNumbers(name, rows: rows, columns: 1, memoryType: nd_H5T_NATIVE_DOUBLE(), zero: 0.0)
    }

    /// Rows of an (N, columns) numeric dataset, flattened row by row.
    public func readMatrixDoubles(_ name: String, columns: Int, rows: Range<Int>? = nil) throws -> [Double] {
        try readNumbers(name, rows: rows, columns: columns, memoryType: nd_H5T_NATIVE_DOUBLE(), zero: 0.0)
    }

    /// Rows of an (N, columns) integer dataset, flattened row by row.
    public func readMatrixInt64(_ name: String, columns: Int, rows: Range<Int>? = nil) throws -> [Int64] {
        try readNumbers(name, rows: rows, columns: columns, memoryType: nd_H5T_NATIVE_INT64(), zero: Int64(0))
    }

    /// Rows `selection` of a 1-D numeric dataset as Int64, range after range, in one read.
    public func readInt64(_ name: String, selection: HDF5RowSelection) throws -> [Int64] {
        try readSelected(name, selection, memoryType: nd_H5T_NATIVE_INT64(), zero: Int64(0))
    }

    /// Rows `selection` of a 1-D numeric dataset as Double, range after range, in one read.
    public func readDoubles(_ name: String, selection: HDF5RowSelection) throws -> [Double] {
        try readSelected(name, selection, memoryType: nd_H5T_NATIVE_DOUBLE(), zero: 0.0)
    }

    private func readSelected<T>(_ name: String, _ selection: HDF5RowSelection, memoryType: hid_t, zero: T) throws -> [T] {
        if let values = try readMapped(name, selection, as: T.self, memoryType: memoryType) { return values }
        return try withDataset(name) { set, space in
            var dims: [hsize_t] = [0]
            guard H5Sget_simple_extent_ndims(space) == 1 else { throw error(.malformed, name, "expected one dimension") }
            H5Sget_simple_extent_dims(space, &dims, nil)
            guard Int(dims[0]) == selection.extent else {
                throw error(.malformed, name, "\(dims[0]) rows, expected \(selection.extent) as the other columns")
            }
            var values = [T](repeating: zero, count: selection.count)
            if selection.count == 0 { return values }
            var count: [hsize_t] = [hsize_t(selection.count)]
            let memory = H5Screate_simple(1, &count, nil)
            defer { H5Sclose(memory) }
            let space = try selection.space()
            let status = values.withUnsafeMutableBytes {
                H5Dread(set, memoryType, memory, space, nd_H5P_DEFAULT(), $0.baseAddress)
            }
            guard status >= 0 else {
                throw error(.malformed, name, "cannot read \(selection.ranges.count) row ranges in \(selection.ranges.first!.lowerBound)..<\(selection.ranges.last!.upperBound) (corrupt file?)")
            }
            return values
        }
    }

    private func readNumbers<T>(_ name: String, rows: Range<Int>?, columns: Int, memoryType: hid_t, zero: T) throws -> [T] {
        try withDataset(name) { set, space in
            let rank = Int(H5Sget_simple_extent_ndims(space))
            var dims = [hsize_t](repeating: 0, count: max(rank, 1))
            H5Sget_simple_extent_dims(space, &dims, nil)
            let expectedRank = columns == 1 ? 1 : 2
            guard rank == expectedRank, columns == 1 || dims[1] == hsize_t(columns) else {
                throw error(.malformed, name, "expected shape (N\(columns == 1 ? "" : ", \(columns)")), found \(dims.prefix(rank).map { Int($0) })")
            }
            let total = try rowCount(name, dims[0], bytesPerRow: columns * MemoryLayout<T>.stride)
            let range = rows ?? 0..<total
            guard range.lowerBound >= 0, range.upperBound <= total else {
                throw error(.outOfRange, name, "rows \(range.lowerBound)..<\(range.upperBound) outside 0..<\(total)")
            }
            try checkStored(name, set, rows: range.count, bytesPerRow: columns * MemoryLayout<T>.stride)
            var values = [T](repeating: zero, count: range.count * columns)
            if range.isEmpty { return values }
            var start: [hsize_t] = columns == 1 ? [hsize_t(range.lowerBound)] : [hsize_t(range.lowerBound), 0]
            var count: [hsize_t] = columns == 1 ? [hsize_t(range.count)] : [hsize_t(range.count), hsize_t(columns)]
            H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nil, &count, nil)
            let memory = H5Screate_simple(Int32(count.count), &count, nil)
            defer { H5Sclose(memory) }
            let status = values.withUnsafeMutableBytes {
                H5Dread(set, memoryType, memory, space, nd_H5P_DEFAULT(), $0.baseAddress)
            }
            guard status >= 0 else { throw error(.malformed, name, "cannot read rows \(range.lowerBound)..<\(range.upperBound) (corrupt file?)") }
            return values
        }
    }

    // MARK: strings

    /// A 1-D string dataset (variable or fixed length).
    public func readStrings(_ name: String, rows: Range<Int>? = nil) throws -> [String] {
        try withDataset(name) { set, space in
            let fileType = H5Dget_type(set)
            defer { H5Tclose(fileType) }
            guard H5Tget_class(fileType) == H5T_STRING else { throw error(.malformed, name, "expected strings") }
            var dims: [hsize_t] = [0]
            guard H5Sget_simple_extent_ndims(space) == 1 else { throw error(.malformed, name, "expected one dimension") }
            H5Sget_simple_extent_dims(space, &dims, nil)
            let rowBytes = H5Tis_variable_str(fileType) > 0 ? MemoryLayout<UnsafeMutablePointer<CChar>?>.stride : H5Tget_size(fileType)
            let total = try rowCount(name, dims[0], bytesPerRow: rowBytes)
            let range = rows ?? 0..<total
            guard range.lowerBound >= 0, range.upperBound <= total else {
                throw error(.outOfRange, name, "rows \(range.lowerBound)..<\(range.upperBound) outside 0..<\(total)")
            }
            if range.isEmpty { return [] }
            try checkStored(name, set, rows: range.count, bytesPerRow: rowBytes)
            var start: [hsize_t] = [hsize_t(range.lowerBound)]
            var count: [hsize_t] = [hsize_t(range.count)]
            H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nil, &count, nil)
            let memory = H5Screate_simple(1, &count, nil)
            defer { H5Sclose(memory) }
            if H5Tis_variable_str(fileType) > 0 {
                let memType = nd_vlen_string_type()
                defer { H5Tclose(memType) }
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: range.count)
                guard H5Dread(set, memType, memory, space, nd_H5P_DEFAULT(), &pointers) >= 0 else {
                    throw error(.malformed, name, "cannot read strings (corrupt file?)")
                }
                defer { H5Dvlen_reclaim(memType, memory, nd_H5P_DEFAULT(), &pointers) }
                return pointers.map { $0.map { String(cString: $0) } ?? "" }
            }
            let size = H5Tget_size(fileType)
            let memType = nd_fixed_string_type(size)
            defer { H5Tclose(memType) }
            var bytes = [UInt8](repeating: 0, count: size * range.count)
            guard H5Dread(set, memType, memory, space, nd_H5P_DEFAULT(), &bytes) >= 0 else {
                throw error(.malformed, name, "cannot read strings (corrupt file?)")
            }
            return (0..<range.count).map { i in
                let slice = bytes[(i * size)..<((i + 1) * size)]
                let end = slice.firstIndex(of: 0) ?? slice.endIndex
                return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
            }
        }
    }

    /// A string attribute `attribute` of the object at `name`, or nil when it has none.
    public func stringAttribute(_ name: String, _ attribute: String) throws -> String? {
        try guarded { try readStringAttribute(name, attribute) }
    }

    private func readStringAttribute(_ name: String, _ attribute: String) throws -> String? {
        guard linksExist(name), H5Aexists_by_name(id, name, attribute, nd_H5P_DEFAULT()) > 0 else { return nil }
        let attr = H5Aopen_by_name(id, name, attribute, nd_H5P_DEFAULT(), nd_H5P_DEFAULT())
        guard attr >= 0 else { throw error(.malformed, name, "cannot open attribute \(attribute)") }
        defer { H5Aclose(attr) }
        let fileType = H5Aget_type(attr)
        defer { H5Tclose(fileType) }
        guard H5Tget_class(fileType) == H5T_STRING else { throw error(.malformed, name, "attribute \(attribute) is not a string") }
        if H5Tis_variable_str(fileType) > 0 {
            let memType = nd_vlen_string_type()
            defer { H5Tclose(memType) }
            var pointer: UnsafeMutablePointer<CChar>? = nil
            guard H5Aread(attr, memType, &pointer) >= 0 else { throw error(.malformed, name, "cannot read attribute \(attribute)") }
            defer { free(pointer) }
            return pointer.map { String(cString: $0) } ?? ""
        }
        let size = H5Tget_size(fileType)
        let memType = nd_fixed_string_type(size)
        defer { H5Tclose(memType) }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        guard H5Aread(attr, memType, &bytes) >= 0 else { throw error(.malformed, name, "cannot read attribute \(attribute)") }
        let end = bytes.firstIndex(of: 0) ?? size
        return String(decoding: bytes[0..<end], as: UTF8.self)
    }
}

/// What a dataset holds.
public enum HDF5ValueKind: Equatable, Sendable {
    case integer, float, string, other
}

/// Row ranges of 1-D datasets of `extent` rows, read range after range into one array.
/// A contiguous column is copied straight from the file's mapping; any other is read with
/// one H5Dread through the ranges' union as an HDF5 selection (H5S_SELECT_OR), made the
/// first time it is needed and kept for every column read with it — in HDF5 1.10 each
/// range added costs time in proportion to the ranges already there (2.9 µs a range at
/// 256 ranges), a read 0.1-0.8 µs a range.
public final class HDF5RowSelection {
    private var selected: hid_t = -1
    /// The ranges, sorted, none empty or overlapping; read one after the other.
    public let ranges: [Range<Int>]
    public let extent: Int
    /// The rows selected.
    public let count: Int

    public init(_ ranges: [Range<Int>], extent: Int) throws {
        self.ranges = ranges.filter { !$0.isEmpty }
        self.extent = extent
        for (a, b) in zip(self.ranges, self.ranges.dropFirst()) where b.lowerBound < a.upperBound {
            throw NDError(.inconsistent, "rows \(b.lowerBound)..<\(b.upperBound) overlap or precede \(a.lowerBound)..<\(a.upperBound)")
        }
        if let first = self.ranges.first, let last = self.ranges.last, first.lowerBound < 0 || last.upperBound > extent {
            throw NDError(.outOfRange, "rows \(first.lowerBound)..<\(last.upperBound) outside 0..<\(extent)")
        }
        count = self.ranges.reduce(0) { $0 + $1.count }
    }

    /// The ranges as an HDF5 dataspace selection of `extent` rows.
    func space() throws -> hid_t {
        try HDF5File.library.locked { try makeSpace() }
    }

    private func makeSpace() throws -> hid_t {
        if selected >= 0 { return selected }
        var dims: [hsize_t] = [hsize_t(extent)]
        let space = H5Screate_simple(1, &dims, nil)
        guard space >= 0 else { throw NDError(.system, "cannot create a dataspace of \(extent) rows") }
        if ranges.isEmpty { H5Sselect_none(space) }
        for (k, r) in ranges.enumerated() {
            var start: [hsize_t] = [hsize_t(r.lowerBound)], count: [hsize_t] = [hsize_t(r.count)]
            guard H5Sselect_hyperslab(space, k == 0 ? H5S_SELECT_SET : H5S_SELECT_OR, &start, nil, &count, nil) >= 0 else {
                H5Sclose(space)
                throw NDError(.system, "cannot select rows \(r.lowerBound)..<\(r.upperBound) of \(extent)")
            }
        }
        selected = space
        return space
    }

    deinit { if selected >= 0 { HDF5File.library.locked { _ = H5Sclose(selected) } } }
}
