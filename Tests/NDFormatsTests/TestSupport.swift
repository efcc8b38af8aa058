import Foundation

/// A fresh scratch folder, removed by the caller with `removeScratch`.
func makeScratch() -> String {
    let path = NSTemporaryDirectory() + "ndformats-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func removeScratch(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

/// A sparse file of `size` bytes.
func makeSparse(_ path: String, size: Int) {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = FileHandle(forWritingAtPath: path)!
    try! handle.truncate(atOffset: UInt64(size))
    try! handle.close()
}
