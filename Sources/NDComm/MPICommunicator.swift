import CMPI
import NDModel

/// Ranks of an MPI job (`MPI_COMM_WORLD`). Initialises MPI on creation and finalises
/// it in `finalize()`; a process started without mpirun is rank 0 of 1.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    private let comm = nd_MPI_COMM_WORLD()

    public init() throws {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            guard MPI_Init(nil, nil) == MPI_SUCCESS else { throw NDError("MPI_Init failed") }
        }
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(comm, &r)
        MPI_Comm_size(comm, &s)
        rank = Int(r)
        size = Int(s)
    }

    /// Ends MPI for this process; call once, last.
    public func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    public func allSum(_ values: [Double]) throws -> [Double] { try reduce(values, nd_MPI_SUM()) }
    public func allMax(_ values: [Double]) throws -> [Double] { try reduce(values, nd_MPI_MAX()) }

    private func reduce(_ values: [Double], _ op: MPI_Op) throws -> [Double] {
        var result = [Double](repeating: 0, count: values.count)
        let status = values.withUnsafeBufferPointer { inp in
            result.withUnsafeMutableBufferPointer { out in
                MPI_Allreduce(inp.baseAddress, out.baseAddress, Int32(values.count), nd_MPI_DOUBLE(), op, comm)
            }
        }
        guard status == MPI_SUCCESS else { throw NDError("MPI_Allreduce failed on rank \(rank) (\(status))") }
        return result
    }

    public func allGather(_ values: [Double]) throws -> [Double] {
        var result = [Double](repeating: 0, count: values.count * size)
        let status = values.withUnsafeBufferPointer { inp in
            result.withUnsafeMutableBufferPointer { out in
                MPI_Allgather(inp.baseAddress, Int32(values.count), nd_MPI_DOUBLE(),
                              out.baseAddress, Int32(values.count), nd_MPI_DOUBLE(), comm)
            }
        }
        guard status == MPI_SUCCESS else { throw NDError("MPI_Allgather failed on rank \(rank) (\(status))") }
        return result
    }

    public func allGatherVariable(_ values: [Double]) throws -> [Double] {
        let counts = try allGather([Double(values.count)]).map { Int32($0) }
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { displacements[r] = displacements[r - 1] + counts[r - 1] }
        let total = Int(counts.reduce(0, +))
        var result = [Double](repeating: 0, count: total)
        let status = values.withUnsafeBufferPointer { inp in
            result.withUnsafeMutableBufferPointer { out in
                counts.withUnsafeBufferPointer { c in
                    displacements.withUnsafeBufferPointer { d in
                        MPI_Allgatherv(inp.baseAddress, Int32(values.count), nd_MPI_DOUBLE(),
                                       out.baseAddress, c.baseAddress, d.baseAddress, nd_MPI_DOUBLE(), comm)
                    }
                }
            }
        }
        guard status == MPI_SUCCESS else { throw NDError("MPI_Allgatherv failed on rank \(rank) (\(status))") }
        return result
    }

    public func barrier() throws {
        guard MPI_Barrier(comm) == MPI_SUCCESS else { throw NDError("MPI_Barrier failed on rank \(rank)") }
    }
}
