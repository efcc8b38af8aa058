import ArgumentParser
import NDComm

/// Every process learns whether any failed; each failing one prints its error, the others
/// say why they stop; all exit 1 — no rank is left waiting in a collective.
public func stopAllIfAnyFailed(_ comm: Communicator, _ error: Error?, tool: String) throws {
    let failed = try comm.allMax([error == nil ? 0 : 1])[0] > 0
    guard failed else { return }
    let where_ = comm.size > 1 ? "rank \(comm.rank): " : ""
    if let error {
        StandardError.write("\(tool): error: \(where_)\(error)\n")
    } else {
        StandardError.write("\(tool): error: \(where_)stopping: another rank failed\n")
    }
    finish(comm)
    throw ExitCode(1)
}
