#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDModel

/// Throws unless `path` names an existing regular file (or is `-`).
public func requireInputFile(_ path: String) throws {
    if path == "-" { return }
    var st = stat()
    guard stat(path, &st) == 0 else {
        throw NDError(file: path, "input file could not be found (\(String(cString: strerror(errno))))")
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
        throw NDError(file: path, "not a regular file, expected a files.dat")
    }
}
