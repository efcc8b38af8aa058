import Foundation
import NDFormats
import NDModel
import Testing

@Suite struct AtomicFileTests {
    @Test func nothingAppearsUntilCommit() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let target = dir + "/out.dat"
        let file = try AtomicFile(target)
        try file.write("hello\n")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(FileManager.default.fileExists(atPath: file.temporaryPath))
        try file.commit()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "hello\n")
        #expect(!FileManager.default.fileExists(atPath: file.temporaryPath))
    }

    @Test func abandoningLeavesTheOldFileAndNoTemporary() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let target = dir + "/out.dat"
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        var temporary = ""
        do {
            let file = try AtomicFile(target)
            temporary = file.temporaryPath
            try file.write("half")
            file.abandon()
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old")
        #expect(!FileManager.default.fileExists(atPath: temporary))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.dat"])
    }

    @Test func refusesToOverwriteAnInput() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let input = dir + "/files.dat"
        try "1.8\n0\n".write(toFile: input, atomically: false, encoding: .utf8)
        let error = #expect(throws: NDError.self) {
            try AtomicFile.write([1, 2], to: dir + "/./files.dat", protecting: [input])
        }
        #expect(error?.message.contains("refusing to overwrite") == true)
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "1.8\n0\n")
    }

    @Test func anUnwritableFolderIsAnErrorNamingTheFile() {
        let error = #expect(throws: NDError.self) {
            try AtomicFile.write([1], to: "/nonexistent-dir-nd/out.dat")
        }
        #expect(error?.file == "/nonexistent-dir-nd/out.dat")
    }
}
