import CHDF5
import NDModel

/// An open HDF5 file (SONATA nodes/edges, morphologies). Closed when released.
public final class HDF5File {
    /// The path it was opened from, for error messages.
    public let path: String
    let id: hid_t

    /// Opens an existing file read-only.
    public init(reading path: String) throws {
        H5Eset_auto2(0, nil, nil)  // errors come back as return codes, not stderr dumps
        let id = H5Fopen(path, nd_H5F_ACC_RDONLY(), nd_H5P_DEFAULT())
        guard id >= 0 else { throw NDError(file: path, "cannot open as HDF5") }
        self.path = path
        self.id = id
    }

    /// Creates (or truncates) a file for writing.
    public init(creating path: String) throws {
        H5Eset_auto2(0, nil, nil)
        let id = H5Fcreate(path, nd_H5F_ACC_TRUNC(), nd_H5P_DEFAULT(), nd_H5P_DEFAULT())
        guard id >= 0 else { throw NDError(file: path, "cannot create HDF5 file") }
        self.path = path
        self.id = id
    }

    deinit { H5Fclose(id) }

    /// Writes a 1-D dataset of doubles at `name` (intermediate groups must exist).
    public func write(_ values: [Double], to name: String) throws {
        var dims: [hsize_t] = [hsize_t(values.count)]
        let space = H5Screate_simple(1, &dims, nil)
        guard space >= 0 else { throw NDError(file: path, "cannot create dataspace for \(name)") }
        defer { H5Sclose(space) }
        let set = H5Dcreate2(id, name, nd_H5T_NATIVE_DOUBLE(), space, nd_H5P_DEFAULT(), nd_H5P_DEFAULT(), nd_H5P_DEFAULT())
        guard set >= 0 else { throw NDError(file: path, "cannot create dataset \(name)") }
        defer { H5Dclose(set) }
        let status = values.withUnsafeBytes {
            H5Dwrite(set, nd_H5T_NATIVE_DOUBLE(), nd_H5S_ALL(), nd_H5S_ALL(), nd_H5P_DEFAULT(), $0.baseAddress)
        }
        guard status >= 0 else { throw NDError(file: path, "cannot write dataset \(name)") }
    }

    /// Reads a whole 1-D dataset at `name` as doubles (HDF5 converts integer types).
    public func readDoubles(_ name: String) throws -> [Double] {
        let set = H5Dopen2(id, name, nd_H5P_DEFAULT())
        guard set >= 0 else { throw NDError(file: path, "no dataset \(name)") }
        defer { H5Dclose(set) }
        let space = H5Dget_space(set)
        defer { H5Sclose(space) }
        guard H5Sget_simple_extent_ndims(space) == 1 else {
            throw NDError(file: path, "dataset \(name): expected one dimension")
        }
        var dims: [hsize_t] = [0]
        H5Sget_simple_extent_dims(space, &dims, nil)
        var values = [Double](repeating: 0, count: Int(dims[0]))
        let status = values.withUnsafeMutableBytes {
            H5Dread(set, nd_H5T_NATIVE_DOUBLE(), nd_H5S_ALL(), nd_H5S_ALL(), nd_H5P_DEFAULT(), $0.baseAddress)
        }
        guard status >= 0 else { throw NDError(file: path, "cannot read dataset \(name)") }
        return values
    }
}
