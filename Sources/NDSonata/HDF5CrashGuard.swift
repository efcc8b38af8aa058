#if canImport(Glibc)
import Glibc
#endif
import NDFormats

/// Turns a crash inside libhdf5 on a corrupt file into the error every other bad input
/// gets: `TOOL: error: FILE: corrupt HDF5 file ...` and exit 1.
///
/// Why: Debian bookworm's libhdf5 (1.10.8) trusts some size fields of a file's metadata;
/// on a corrupt local heap, for one, a failed allocation is copied into (H5HL_protect →
/// H5F__accum_read, a memcpy to NULL). Checking every structure ourselves would mean a
/// second HDF5 parser; newer libhdf5 releases check these fields, but none is packaged.
/// So while a read of an HDF5 file is under way (`reading`), SIGSEGV and SIGBUS name that
/// file, remove the tool's temporary outputs and exit 1. Outside a read the previous
/// handlers run as before: a fault of our own is never reported as a corrupt file. (The
/// same catches a SIGBUS from a column copied out of a mapping of a file that was
/// truncated meanwhile.)
enum HDF5CrashGuard {
    /// The message of the file being read, or nil outside a read.
    nonisolated(unsafe) static var current: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var previous = (segv: sigaction(), bus: sigaction())
    nonisolated(unsafe) static var installed = false

    /// The message written if libhdf5 crashes while `path` is read (kept for the file's
    /// lifetime; written from the signal handler, so made beforehand).
    static func message(for path: String) -> UnsafeMutablePointer<CChar> {
        let tool = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? "nd"
        return strdup("\(tool): error: \(path): corrupt or truncated HDF5 file (reading it crashed)\n")!
    }

    /// Runs `body` (calls into libhdf5 for one file) with the guard naming that file.
    @inline(__always)
    static func reading<T>(_ message: UnsafeMutablePointer<CChar>, _ body: () throws -> T) rethrows -> T {
        if !installed { install() }
        let outer = current
        current = message
        defer { current = outer }
        return try body()
    }

    private static func install() {
        installed = true
        for sig in [SIGSEGV, SIGBUS] {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = hdf5CrashHandler
            action.sa_flags = SA_SIGINFO
            sigemptyset(&action.sa_mask)
            if sig == SIGSEGV { sigaction(sig, &action, &previous.segv) } else { sigaction(sig, &action, &previous.bus) }
        }
    }
}

private func hdf5CrashHandler(_ sig: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    guard let message = HDF5CrashGuard.current else {
        // Not in libhdf5: give the fault back to whoever handled it before (the Swift
        // runtime's backtracer); returning re-runs the faulting instruction.
        if sig == SIGSEGV { sigaction(sig, &HDF5CrashGuard.previous.segv, nil) } else { sigaction(sig, &HDF5CrashGuard.previous.bus, nil) }
        return
    }
    TemporaryFiles.removeAll()
    _ = write(2, message, strlen(message))
    _exit(1)
}
