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
        #expect(error?.kind == .usage)
        #expect(error?.message.hasSuffix(input) == true)
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "1.8\n0\n")
    }

    @Test func anUnwritableFolderIsAnErrorNamingTheFile() {
        let error = #expect(throws: NDError.self) {
            try AtomicFile.write([1], to: "/nonexistent-dir-nd/out.dat")
        }
        #expect(error?.file == "/nonexistent-dir-nd/out.dat")
        #expect(error?.kind == .notFound)
    }

    @Test func devicesAndFIFOsAreWrittenThroughNeverReplaced() throws {
        // /dev/null stays the device (as root, a rename would have replaced it with a file).
        try AtomicFile.write(Array("gone".utf8), to: "/dev/null")
        var st = stat()
        #expect(lstat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
        // So is a link to a device: /dev/stderr, a link to /proc/self/fd/2.
        try AtomicFile.write([], to: "/dev/stderr")
        #expect(lstat("/dev/stderr", &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK)
        // A FIFO: its reader gets the bytes, and it is still a FIFO afterwards.
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Thread { _ = try? FileHandle(forReadingAtPath: fifo)?.readToEnd() }
        reader.start()
        try AtomicFile.write(Array("through".utf8), to: fifo)
        #expect(lstat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["pipe"])
    }

    @Test func symbolicLinksAndFoldersAreRefused() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        try "target".write(toFile: dir + "/target", atomically: false, encoding: .utf8)
        #expect(symlink(dir + "/target", dir + "/link") == 0)
        let link = #expect(throws: NDError.self) { try AtomicFile.write([1], to: dir + "/link") }
        #expect(link?.kind == .usage)
        #expect(link?.file == dir + "/link")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link") == dir + "/target")
        #expect(try String(contentsOfFile: dir + "/target", encoding: .utf8) == "target")
        let folder = #expect(throws: NDError.self) { try AtomicFile.write([1], to: dir) }
        #expect(folder?.kind == .usage)
        #expect(folder?.file == dir)
    }
}
