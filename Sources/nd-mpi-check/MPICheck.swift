import ArgumentParser
import NDCLI
import NDComm
import NDModel

/// Checks that MPI works end to end: every rank reports, sums and gathers agree.
@main
struct MPICheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-mpi-check",
        abstract: "Check the MPI setup: each rank reports its rank and size, then a sum and a gather over all ranks.",
        discussion: """
            Prints one line on rank 0: `ranks=N sum=S gathered=0,1,...` where S is \
            0+1+...+(N-1), computed with MPI_Allreduce, and the list comes from MPI_Allgather. \
            Exits 1 if any rank disagrees.

            Example:
              mpirun -np 2 nd-mpi-check
            """)

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-mpi-check")
        try diagnostics.run {
            let comm = try MPICommunicator()
            defer { comm.finalize() }
            let sum = try comm.allSum([Double(comm.rank)])[0]
            let gathered = try comm.allGather([Double(comm.rank)]).map { Int($0) }
            let expected = comm.size * (comm.size - 1) / 2
            guard Int(sum) == expected, gathered == Array(0..<comm.size) else {
                throw NDError(.inconsistent, "rank \(comm.rank): sum \(sum) or gather \(gathered) disagree with size \(comm.size)")
            }
            try comm.barrier()
            if comm.rank == 0 {
                let out = StandardOutput()
                try out.write("ranks=\(comm.size) sum=\(Int(sum)) gathered=\(gathered.map(String.init).joined(separator: ","))\n")
                try out.flush()
            }
        }
    }
}
