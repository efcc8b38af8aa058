import NDFormats
import NDModel

/// The `_2.dat` size of every named entry, with a progress bar while the files are
/// stat'ed. `indices[k]` is the files.dat entry index of `names[k]`, for error lines.
public func entryLoads(
    _ names: [String], indices: [Int], folder: String, listing: String, showProgress: Bool
) throws -> [ByteCount] {
    let bar = ProgressBar("stat \(names.count) entries", total: names.count, force: showProgress)
    let sizer = DatEntrySizes(folder: folder, listingFile: listing)
    let sizes = try sizer.sizes(
        of: names, lineOf: { FilesDat.lineNumber(ofEntry: indices[$0]) },
        progress: { bar.advance(by: $0) })
    bar.finish()
    return sizes
}

/// The folder of `path` as Python's `os.path.dirname` gives it (`""` for a bare name).
public func directoryName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    var dir = String(path[..<slash])
    // dirname keeps a leading run of slashes ("/x" -> "/"), strips trailing ones otherwise.
    if dir.isEmpty || dir.allSatisfy({ $0 == "/" }) { return String(path[...slash]) }
    while dir.hasSuffix("/") { dir.removeLast() }
    return dir
}
