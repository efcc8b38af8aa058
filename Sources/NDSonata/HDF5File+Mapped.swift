#if canImport(Glibc)
import Glibc
#endif
import CHDF5
import NDModel

extension HDF5File {
    /// Reads `selection`'s rows of the open 1-D dataset `set` straight from the file's
    /// mapping when the dataset is stored contiguously, unfiltered and whole: each range
    /// is one copy, and HDF5 only converts the values from their stored type. False (and
    /// nothing read) when it is not, and HDF5 reads it.
    ///
    /// Why: a bucket's edges are one short range per cell spread over the population, and
    /// HDF5 1.10 spends some microseconds per range and per column (selection, sieve
    /// buffer, a pread) — at ten synapses a cell, more than the synapses cost to build.
    func readMapped<T>(_ name: String, _ set: hid_t, _ selection: HDF5RowSelection, memoryType: hid_t,
                       into values: inout [T]) throws -> Bool {
        guard let storage = contiguousStorage(set, rows: selection.extent), let mapping else { return false }
        defer { H5Tclose(storage.type) }
        let width = storage.width
        guard width <= MemoryLayout<T>.stride else { return false }
        guard storage.offset <= mapping.bytes.count, selection.extent * width <= mapping.bytes.count - storage.offset else {
            throw error(name, "stored at \(storage.offset) for \(selection.extent * width) bytes, past the end of the file's \(mapping.bytes.count) (truncated?)")
        }
        let file = mapping.bytes.baseAddress! + storage.offset
        try values.withUnsafeMutableBytes { out in
            // Packed at the front in the stored type; converted in place (HDF5 converts
            // back to front when the memory type is the wider one).
            var at = 0
            for r in selection.ranges {
                memcpy(out.baseAddress! + at, file + r.lowerBound * width, r.count * width)
                at += r.count * width
            }
            if H5Tequal(storage.type, memoryType) > 0 { return }
            guard H5Tconvert(storage.type, memoryType, selection.count, out.baseAddress, nil, nd_H5P_DEFAULT()) >= 0 else {
                throw error(name, "cannot convert \(selection.count) values from their stored type")
            }
        }
        return true
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
