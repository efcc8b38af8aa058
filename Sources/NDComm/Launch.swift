#if canImport(Glibc)
import Glibc
#endif

/// The communicator for this process: MPI when started by mpirun (Open MPI sets
/// OMPI_COMM_WORLD_SIZE), otherwise a world of one without touching MPI.
public func makeCommunicator() throws -> Communicator {
    if getenv("OMPI_COMM_WORLD_SIZE") != nil || getenv("PMI_SIZE") != nil {
        return try MPICommunicator()
    }
    return LocalCommunicator()
}

/// Ends MPI if it was started.
public func finish(_ comm: Communicator) {
    (comm as? MPICommunicator)?.finalize()
}
