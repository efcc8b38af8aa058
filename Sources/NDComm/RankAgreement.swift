import NDModel

/// Every process learns whether any failed, and returns only when none did. Otherwise each
/// throws: a failing one its own error, the others `stopped`; with several ranks each
/// message begins with the rank. So every process reports through its tool's one error
/// path and leaves by it (MPI finalized on the way out), and none is left waiting in a
/// collective for a rank that has gone.
public func stopAllIfAnyFailed(_ comm: Communicator, _ error: Error?) throws {
    let failed = try comm.allMax([error == nil ? 0 : 1])[0] > 0
    guard failed else { return }
    guard comm.size > 1 else { throw error ?? NDError(.stopped, "stopping: another rank failed") }
    let rank = "rank \(comm.rank): "
    switch error {
    case let error as NDError: throw NDError(error.kind, rank + error.description)
    case let error?: throw NDError(.system, rank + "\(error)")
    case nil: throw NDError(.stopped, rank + "stopping: another rank failed")
    }
}
