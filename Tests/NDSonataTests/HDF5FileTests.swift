import Foundation
import NDModel
import NDSonata
import Testing

extension SonataSuite {
    // Debian's HDF5 is built without thread safety: one test at a time.
    @Suite struct HDF5FileTests {
        @Test func writesAndReadsADataset() throws {
            let path = NSTemporaryDirectory() + "nd-hdf5-\(UUID().uuidString).h5"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let values = (0..<1000).map { Double($0) * 0.25 }
            do {
                let file = try HDF5File(creating: path)
                try file.write(values, to: "delay")
            }
            let head = try #require(FileManager.default.contents(atPath: path)).prefix(8)
            #expect(Array(head) == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A])  // HDF5 signature
            let file = try HDF5File(reading: path)
            #expect(try file.readDoubles("delay") == values)
            let missing = #expect(throws: NDError.self) { try file.readDoubles("nope") }
            #expect(missing?.file == path)
            #expect(missing?.kind == .notFound)
        }

        @Test func aFileThatIsNotHDF5IsAnError() throws {
            let path = NSTemporaryDirectory() + "nd-not-hdf5-\(UUID().uuidString).h5"
            try "not hdf5".write(toFile: path, atomically: false, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let error = #expect(throws: NDError.self) { _ = try HDF5File(reading: path) }
            #expect(error?.kind == .malformed)
            #expect(error?.file == path)
        }
    }
}
