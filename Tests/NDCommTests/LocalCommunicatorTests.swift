import NDComm
import Testing

// MPI itself is tested out of process (MPI initialises once per process): `make mpi-test`
// runs nd-mpi-check alone (a world of one) and under `mpirun -np 2`.

@Suite struct LocalCommunicatorTests {
    @Test func oneProcessIsRankZeroOfOne() throws {
        let comm: Communicator = LocalCommunicator()
        #expect(comm.rank == 0 && comm.size == 1)
        #expect(try comm.allSum([1, 2]) == [1, 2])
        #expect(try comm.allMax([3]) == [3])
        #expect(try comm.allGather([4, 5]) == [4, 5])
        try comm.barrier()
    }
}
