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
            guard MPI_Init(nil, nil) == MPI_SUCCESS else { throw NDError(.system, "MPI_Init failed") }
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
        guard status == MPI_SUCCESS else { throw NDError(.system, "MPI_Allreduce failed on rank \(rank) (\(status))") }
        return result
    }

    public func allGather<T: BitwiseCopyable>(_ values: [T]) throws -> [T] {
        let bytes = values.count * MemoryLayout<T>.stride
        guard bytes <= Int(Int32.max) else { throw NDError(.outOfRange, "allGather: \(bytes) bytes from rank \(rank), more than MPI's count holds") }
        let result = try [T](unsafeUninitializedCapacity: values.count * size) { out, initialized in
            let status = values.withUnsafeBytes { inp in
                MPI_Allgather(inp.baseAddress, Int32(bytes), nd_MPI_BYTE(), out.baseAddress, Int32(bytes), nd_MPI_BYTE(), comm)
            }
            guard status == MPI_SUCCESS else { throw NDError(.system, "MPI_Allgather failed on rank \(rank) (\(status))") }
            initialized = values.count * size
        }
        return result
    }

    public func allGatherVariable<T: BitwiseCopyable>(_ values: [T]) throws -> [T] {
        let stride = MemoryLayout<T>.stride
        let counts = try allGather([Int64(values.count)])
        let total = counts.reduce(0, +)
        guard total * Int64(stride) <= Int64(Int32.max) else {
            throw NDError(.outOfRange, "allGatherVariable: \(total * Int64(stride)) bytes in all, more than MPI's displacements hold")
        }
        let byteCounts = counts.map { Int32($0 * Int64(stride)) }
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { displacements[r] = displacements[r - 1] + byteCounts[r - 1] }
        return try [T](unsafeUninitializedCapacity: Int(total)) { out, initialized in
            let status = values.withUnsafeBytes { inp in
                byteCounts.withUnsafeBufferPointer { c in
                    displacements.withUnsafeBufferPointer { d in
                        MPI_Allgatherv(inp.baseAddress, Int32(values.count * stride), nd_MPI_BYTE(),
                                       out.baseAddress, c.baseAddress, d.baseAddress, nd_MPI_BYTE(), comm)
                    }
                }
            }
            guard status == MPI_SUCCESS else { throw NDError(.system, "MPI_Allgatherv failed on rank \(rank) (\(status))") }
            initialized = Int(total)
        }
    }

    public func barrier() throws {
        guard MPI_Barrier(comm) == MPI_SUCCESS else { throw NDError(.system, "MPI_Barrier failed on rank \(rank)") }
    }
}
