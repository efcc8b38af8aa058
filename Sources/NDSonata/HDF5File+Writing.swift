#if canImport(Glibc)
import Glibc
#endif
import CHDF5
import NDModel

/// Writing, for nd-circuit synth and test fixtures. Objects are created without
/// modification times so that the same content gives the same bytes. Each call holds the
/// library's lock (`guarded`).
extension HDF5File {
    /// Creates group `name` and any missing parents.
    public func createGroup(_ name: String) throws {
        try guarded {
            var prefix = ""
            for part in name.split(separator: "/") {
                prefix += "/" + part
                if H5Lexists(id, prefix, nd_H5P_DEFAULT()) > 0 { continue }
                let gcpl = H5Pcreate(nd_H5P_GROUP_CREATE())
                H5Pset_obj_track_times(gcpl, false)
                let group = H5Gcreate2(id, prefix, nd_H5P_DEFAULT(), gcpl, nd_H5P_DEFAULT())
                H5Pclose(gcpl)
                guard group >= 0 else { throw error(.system, prefix, "cannot create group") }
                H5Gclose(group)
            }
        }
    }

    private func parentGroup(of name: String) throws {
        if let slash = name.lastIndex(of: "/"), slash != name.startIndex {
            try createGroup(String(name[..<slash]))
        }
    }

    private func writeDataset(_ name: String, dims: [Int], fileType: hid_t, memoryType: hid_t,
                              _ data: UnsafeRawPointer?) throws {
        try parentGroup(of: name)
        var hdims = dims.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(hdims.count), &hdims, nil)
        guard space >= 0 else { throw error(.system, name, "cannot create dataspace") }
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(nd_H5P_DATASET_CREATE())
        H5Pset_obj_track_times(dcpl, false)
        defer { H5Pclose(dcpl) }
        let set = H5Dcreate2(id, name, fileType, space, nd_H5P_DEFAULT(), dcpl, nd_H5P_DEFAULT())
        guard set >= 0 else { throw error(.system, name, "cannot create dataset") }
        defer { H5Dclose(set) }
        if dims.reduce(1, *) > 0 {
            guard H5Dwrite(set, memoryType, nd_H5S_ALL(), nd_H5S_ALL(), nd_H5P_DEFAULT(), data) >= 0 else {
                throw error(.system, name, "cannot write dataset")
            }
        }
    }

    /// A 1-D dataset of numbers, stored in the type `T` names (float64, float32 — as SONATA
    /// circuits store most edge attributes —, int64, uint32 for `@library` indices, uint64).
    public func write<T: HDF5Number>(_ values: [T], to name: String) throws {
        try guarded {
            try values.withUnsafeBytes {
                try writeDataset(name, dims: [values.count], fileType: T.hdf5FileType, memoryType: T.hdf5MemoryType, $0.baseAddress)
            }
        }
    }

    /// Overwrites every value of the existing 1-D dataset `name` (the same length), converted
    /// to its stored type: a test fixture changed in place.
    public func overwrite<T: HDF5Number>(_ values: [T], in name: String) throws {
        try guarded {
            let set = H5Dopen2(id, name, nd_H5P_DEFAULT())
            guard set >= 0 else { throw error(.system, name, "cannot open dataset") }
            defer { H5Dclose(set) }
            try values.withUnsafeBytes {
                guard H5Dwrite(set, T.hdf5MemoryType, nd_H5S_ALL(), nd_H5S_ALL(), nd_H5P_DEFAULT(), $0.baseAddress) >= 0 else {
                    throw error(.system, name, "cannot write dataset")
                }
            }
        }
    }

    /// An (N, columns) dataset from row-major values (edge indices, morphology points and structure).
    public func writeMatrix<T: HDF5Number>(_ values: [T], columns: Int, to name: String) throws {
        try guarded {
            try values.withUnsafeBytes {
                try writeDataset(name, dims: [values.count / columns, columns], fileType: T.hdf5FileType,
                                 memoryType: T.hdf5MemoryType, $0.baseAddress)
            }
        }
    }

    /// A 1-D dataset of variable-length UTF-8 strings.
    public func write(_ values: [String], to name: String) throws {
        try guarded {
            let type = nd_vlen_string_type()
            defer { H5Tclose(type) }
            // C strings that live until the write is done.
            let cStrings = values.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            var pointers = cStrings.map { UnsafePointer<CChar>($0) }
            try pointers.withUnsafeMutableBytes {
                try writeDataset(name, dims: [values.count], fileType: type, memoryType: type, $0.baseAddress)
            }
        }
    }

    /// A variable-length string attribute on the object at `name`.
    public func writeStringAttribute(_ value: String, named attribute: String, on name: String) throws {
        try guarded {
            let type = nd_vlen_string_type()
            defer { H5Tclose(type) }
            let space = H5Screate(H5S_SCALAR)
            defer { H5Sclose(space) }
            let attr = H5Acreate_by_name(id, name, attribute, type, space, nd_H5P_DEFAULT(), nd_H5P_DEFAULT(), nd_H5P_DEFAULT())
            guard attr >= 0 else { throw error(.system, name, "cannot create attribute \(attribute)") }
            defer { H5Aclose(attr) }
            let c = strdup(value)
            defer { free(c) }
            var pointer = UnsafePointer<CChar>(c)
            guard H5Awrite(attr, type, &pointer) >= 0 else { throw error(.system, name, "cannot write attribute \(attribute)") }
        }
    }

    /// Writes everything to disk now.
    public func flush() throws {
        try guarded {
            guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else { throw NDError(.system, file: path, "cannot flush HDF5 file") }
        }
    }
}

/// Numbers HDF5 datasets are written in: the little-endian type stored in the file and
/// the native type they are converted from.
public protocol HDF5Number {
    static var hdf5FileType: hid_t { get }
    static var hdf5MemoryType: hid_t { get }
}

extension Double: HDF5Number {
    public static var hdf5FileType: hid_t { nd_H5T_IEEE_F64LE() }
    public static var hdf5MemoryType: hid_t { nd_H5T_NATIVE_DOUBLE() }
}

extension Float: HDF5Number {
    public static var hdf5FileType: hid_t { nd_H5T_IEEE_F32LE() }
    public static var hdf5MemoryType: hid_t { nd_H5T_NATIVE_FLOAT() }
}

extension Int64: HDF5Number {
    public static var hdf5FileType: hid_t { nd_H5T_STD_I64LE() }
    public static var hdf5MemoryType: hid_t { nd_H5T_NATIVE_INT64() }
}

extension UInt32: HDF5Number {
    public static var hdf5FileType: hid_t { nd_H5T_STD_U32LE() }
    public static var hdf5MemoryType: hid_t { nd_H5T_NATIVE_UINT32() }
}

extension UInt64: HDF5Number {
    public static var hdf5FileType: hid_t { nd_H5T_STD_U64LE() }
    public static var hdf5MemoryType: hid_t { nd_H5T_NATIVE_UINT64() }
}
