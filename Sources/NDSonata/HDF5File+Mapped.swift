#if canImport(Glibc)
import Glibc
#endif
import CHDF5
import NDModel

/// Where a contiguous 1-D numeric dataset's values lie in the file, found once per
/// dataset: a bucket reads the same dozen edge columns for every batch of cells, and
/// opening a dataset in libhdf5 (its object header, its properties) costs more than
/// copying a batch's values.
final class ContiguousColumn {
    /// Byte offset of row 0 in the file, rows, and bytes per value.
    let offset: Int, rows: Int, width: Int
    /// The stored type (a copy, closed with the column), for HDF5's conversions.
    let type: hid_t
    /// Stored types converted here rather than by HDF5 (little-endian, as SONATA files
    /// and every x86 or ARM writer store them).
    enum Stored { case float64, float32, int64, int32, uint32, other }
    let stored: Stored

    init(offset: Int, rows: Int, width: Int, type: hid_t) {
        self.offset = offset; self.rows = rows; self.width = width; self.type = type
        let little = H5Tget_order(type) == H5T_ORDER_LE
        switch (H5Tget_class(type), width, H5Tget_sign(type)) {
        case (H5T_FLOAT, 8, _) where little: stored = .float64
        case (H5T_FLOAT, 4, _) where little: stored = .float32
        case (H5T_INTEGER, 8, H5T_SGN_2) where little: stored = .int64
        case (H5T_INTEGER, 4, H5T_SGN_2) where little: stored = .int32
        case (H5T_INTEGER, 4, H5T_SGN_NONE) where little: stored = .uint32
        default: stored = .other
        }
    }

    deinit { HDF5File.library.locked { _ = H5Tclose(type) } }
}

extension HDF5File {
    /// Reads `selection`'s rows of the 1-D dataset `name` straight from the file's mapping
    /// when it is stored contiguously, unfiltered and whole (`ContiguousColumn`): each
    /// range is one copy, converted from the stored type. nil when it is not (or when the
    /// rows do not match: HDF5's path says why), and HDF5 reads it.
    ///
    /// Why: a bucket's edges are one short range per cell spread over the population, and
    /// HDF5 1.10 spends some microseconds per range and per column (selection, sieve
    /// buffer, a pread) — at ten synapses a cell, more than the synapses cost to build.
    func readMapped<T>(_ name: String, _ selection: HDF5RowSelection, as _: T.Type, memoryType: hid_t) throws -> [T]? {
        guard let column = try contiguousColumn(name), column.rows == selection.extent,
              column.width <= MemoryLayout<T>.stride, let mapping else { return nil }
        guard column.offset <= mapping.bytes.count, column.rows * column.width <= mapping.bytes.count - column.offset else {
            throw error(.malformed, name, "stored at \(column.offset) for \(column.rows * column.width) bytes, past the end of the file's \(mapping.bytes.count) (truncated?)")
        }
        let file = UnsafeRawPointer(mapping.bytes.baseAddress! + column.offset)
        return try guarded {
            try [T](unsafeUninitializedCapacity: selection.count) { out, initialized in
                let raw = UnsafeMutableRawPointer(out.baseAddress!)
                var at = 0
                if T.self == Double.self, column.stored == .float32 || column.stored == .float64 {
                    let doubles = raw.assumingMemoryBound(to: Double.self)
                    for r in selection.ranges {
                        let from = file + r.lowerBound * column.width
                        if column.stored == .float64 {
                            memcpy(doubles + at, from, r.count * 8)
                        } else {
                            for k in 0..<r.count { doubles[at + k] = Double(from.loadUnaligned(fromByteOffset: 4 * k, as: Float.self)) }
                        }
                        at += r.count
                    }
                } else if T.self == Int64.self, column.stored == .int64 || column.stored == .int32 || column.stored == .uint32 {
                    let integers = raw.assumingMemoryBound(to: Int64.self)
                    for r in selection.ranges {
                        let from = file + r.lowerBound * column.width
                        switch column.stored {
                        case .int64: memcpy(integers + at, from, r.count * 8)
                        case .int32: for k in 0..<r.count { integers[at + k] = Int64(from.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)) }
                        default: for k in 0..<r.count { integers[at + k] = Int64(from.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)) }
                        }
                        at += r.count
                    }
                } else {
                    // Packed at the front in the stored type; HDF5 converts in place (back
                    // to front when the memory type is the wider one).
                    memset(raw, 0, selection.count * MemoryLayout<T>.stride)
                    for r in selection.ranges {
                        memcpy(raw + at * column.width, file + r.lowerBound * column.width, r.count * column.width)
                        at += r.count
                    }
                    if H5Tequal(column.type, memoryType) <= 0,
                       H5Tconvert(column.type, memoryType, selection.count, raw, nil, nd_H5P_DEFAULT()) < 0 {
                        throw error(.malformed, name, "cannot convert \(selection.count) values from their stored type")
                    }
                }
                initialized = selection.count
            }
        }
    }

    /// Dataset `name` as a `ContiguousColumn`, or nil when it is not one (looked up once:
    /// the file is read-only).
    private func contiguousColumn(_ name: String) throws -> ContiguousColumn? {
        if let known = contiguousColumns[name] { return known }
        let column = try withDataset(name) { set, space -> ContiguousColumn? in
            guard H5Sget_simple_extent_ndims(space) == 1 else { return nil }
            var dims: [hsize_t] = [0]
            H5Sget_simple_extent_dims(space, &dims, nil)
            guard dims[0] < hsize_t(1 << 48) else { return nil }
            return contiguousStorage(set, rows: Int(dims[0])).map { ContiguousColumn(offset: $0.offset, rows: Int(dims[0]), width: $0.width, type: $0.type) }
        }
        contiguousColumns[name] = .some(column)
        return column
    }

    /// Where a dataset of `rows` values lies in the file when it is one contiguous run of
    /// its stored type (no chunks, filters or external files; every value written), with
    /// that type (the caller closes it) and its width in bytes.
    private func contiguousStorage(_ set: hid_t, rows: Int) -> (offset: Int, type: hid_t, width: Int)? {
        let plist = H5Dget_create_plist(set)
        guard plist >= 0 else { return nil }
        let layout = H5Pget_layout(plist), external = H5Pget_external_count(plist)
        H5Pclose(plist)
        guard layout == H5D_CONTIGUOUS, external == 0 else { return nil }
        let offset = H5Dget_offset(set)
        guard offset != haddr_t.max, offset < haddr_t(Int.max) else { return nil }  // HADDR_UNDEF: never written
        let type = H5Dget_type(set)
        guard type >= 0 else { return nil }
        let width = H5Tget_size(type)
        let numeric = [H5T_INTEGER, H5T_FLOAT].contains(H5Tget_class(type))
        guard numeric, width > 0, width <= 8, H5Dget_storage_size(set) == hsize_t(rows * width) else {
            H5Tclose(type)
            return nil
        }
        return (Int(offset), type, width)
    }
}
