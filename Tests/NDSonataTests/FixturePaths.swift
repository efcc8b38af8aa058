import Foundation

/// Fixtures written by scripts/make-sonata-fixtures.py (h5py, not our writer).
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let usecase = root + "/usecase"
    static func path(_ name: String) -> String { root + "/" + name }
}

func scratchFolder() -> String {
    let path = NSTemporaryDirectory() + "ndsonata-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
