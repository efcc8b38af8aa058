import Foundation

/// What a run of a built tool gave.
struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the executables as users do. They come from `ND_BIN` (the Makefile sets it to
/// bin/) or else from the build folder of this test bundle.
enum Tool {
    static let binDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["ND_BIN"], !dir.isEmpty { return dir }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        for dir in ["bin", ".build/release", ".build/debug"].map({ root + "/" + $0 })
        where FileManager.default.isExecutableFile(atPath: dir + "/nd-rebalance") {
            return dir
        }
        return root + "/bin"
    }()

    static let fixtures: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// Runs `tool` with `arguments` in `directory`. Both pipes are drained while it runs.
    /// Runs `tool` under `mpirun -np ranks` (oversubscribed: more ranks than cores is fine).
    static func mpirun(_ ranks: Int, _ tool: String, _ arguments: [String], in directory: String) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["mpirun", "--oversubscribe", "--allow-run-as-root", "-np", String(ranks), binDirectory + "/" + tool] + arguments
        return try run(process, in: directory)
    }

    /// `stdoutFile` sends stdout to a file instead of a pipe (e.g. /dev/full).
    /// `environment` adds to (or overrides) the test's own.
    static func run(_ tool: String, _ arguments: [String], in directory: String, stdin: String? = nil,
                    stdoutFile: String? = nil, environment: [String: String] = [:]) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binDirectory + "/" + tool)
        process.arguments = arguments
        return try run(process, in: directory, stdin: stdin, stdoutFile: stdoutFile, environment: environment)
    }

    static func run(_ process: Process, in directory: String, stdin: String? = nil, stdoutFile: String? = nil,
                    environment extra: [String: String] = [:]) throws -> ToolResult {
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["LC_ALL"] = "C"
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        process.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        if let stdoutFile {
            process.standardOutput = FileHandle(forWritingAtPath: stdoutFile)
            try out.fileHandleForWriting.close()
        } else {
            process.standardOutput = out
        }
        process.standardError = err
        process.standardInput = inp
        try process.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        let errData = Collected()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            errData.bytes = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return ToolResult(status: process.terminationStatus,
                          stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData.bytes, as: UTF8.self))
    }
}

/// A scratch folder with a CoreNEURON-like data folder `data/` of sparse `_2.dat` files.
struct Scratch {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "nd-e2e-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path + "/data", withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func write(_ text: String, to name: String) {
        try! text.write(toFile: path + "/" + name, atomically: false, encoding: .utf8)
    }

    func read(_ name: String) -> String? {
        try? String(contentsOfFile: path + "/" + name, encoding: .utf8)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }

    /// `data/<entry>_2.dat` of `size` bytes, sparse.
    func addEntry(_ entry: String, size: Int) {
        let file = path + "/data/\(entry)_2.dat"
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        let handle = FileHandle(forWritingAtPath: file)!
        try! handle.truncate(atOffset: UInt64(size))
        try! handle.close()
    }

    /// Every file name in the scratch folder and in data/.
    func listing() -> [String] {
        let top = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let data = (try? FileManager.default.contentsOfDirectory(atPath: path + "/data")) ?? []
        return (top + data.map { "data/" + $0 }).sorted()
    }
}

/// What the stderr reader thread read: written by that thread, read only after its
/// semaphore is signalled, so never touched by two threads at once.
private final class Collected: @unchecked Sendable {
    var bytes = Data()
}
