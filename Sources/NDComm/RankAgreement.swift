#if canImport(Glibc)
import Glibc
#endif

/// Every process learns whether any failed; each failing one prints its error, the others
/// say why they stop; all finalize MPI and exit 1, so that no rank is left waiting in a
/// collective. Returns when none failed.
public func stopAllIfAnyFailed(_ comm: Communicator, _ error: Error?, tool: String) throws {
    let failed = try comm.allMax([error == nil ? 0 : 1])[0] > 0
    guard failed else { return }
    let where_ = comm.size > 1 ? "rank \(comm.rank): " : ""
    let why = error.map { "\($0)" } ?? "stopping: another rank failed"
    fputs("\(tool): error: \(where_)\(why)\n", stderr)
    finish(comm)
    // What the tools' `Diagnostics` does with an error, without their argument parser:
    // here MPI is already finalized, so nothing else may run.
    exit(1)
}
