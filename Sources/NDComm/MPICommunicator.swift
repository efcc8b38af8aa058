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

    // No status checks: with no error handler set, MPI_ERRORS_ARE_FATAL aborts the whole
    // job on a failure, so no rank is left waiting.
    public func allSum(_ values: [Double]) throws -> [Double] { reduce(values, nd_MPI_SUM()) }
    public func allMax(_ values: [Double]) throws -> [Double] { reduce(values, nd_MPI_MAX()) }

    private func reduce(_ values: [Double], _ op: MPI_Op) -> [Double] {
        var result = [Double](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { inp in
            result.withUnsafeMutableBufferPointer { out in
                _ = MPI_Allreduce(inp.baseAddress, out.baseAddress, Int32(values.count), nd_MPI_DOUBLE(), op, comm)
            }
        }
        return result
    }

    public func allGather<T: BitwiseCopyable>(_ values: [T]) throws -> [T] {
        let bytes = values.count * MemoryLayout<T>.stride
        guard bytes <= Int(Int32.max) else { throw NDError(.outOfRange, "allGather: \(bytes) bytes from rank \(rank), more than MPI's count holds") }
        return [T](unsafeUninitializedCapacity: values.count * size) { out, initialized in
            values.withUnsafeBytes { inp in
                _ = MPI_Allgather(inp.baseAddress, Int32(bytes), nd_MPI_BYTE(), out.baseAddress, Int32(bytes), nd_MPI_BYTE(), comm)
            }
            initialized = values.count * size
        }
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
        return [T](unsafeUninitializedCapacity: Int(total)) { out, initialized in
            values.withUnsafeBytes { inp in
                byteCounts.withUnsafeBufferPointer { c in
                    displacements.withUnsafeBufferPointer { d in
                        _ = MPI_Allgatherv(inp.baseAddress, Int32(values.count * stride), nd_MPI_BYTE(),
                                           out.baseAddress, c.baseAddress, d.baseAddress, nd_MPI_BYTE(), comm)
                    }
                }
            }
            initialized = Int(total)
        }
    }

    public func barrier() throws {
        MPI_Barrier(comm)
    }
}
