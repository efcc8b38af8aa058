/// The only place that knows how ranks talk: collective operations over a group of
/// processes. Local (one process) by default; MPI when started under mpirun.
public protocol Communicator: AnyObject {
    /// This process's rank, 0-based.
    var rank: Int { get }
    /// Number of ranks.
    var size: Int { get }
    /// Element-wise sum of `values` over all ranks, the result on every rank.
    func allSum(_ values: [Double]) throws -> [Double]
    /// Element-wise max of `values` over all ranks.
    func allMax(_ values: [Double]) throws -> [Double]
    /// Every rank's `values` (each the same length), concatenated in rank order, on every
    /// rank. Values are plain records (numbers, structs of numbers), sent as their bytes.
    func allGather<T: BitwiseCopyable>(_ values: [T]) throws -> [T]
    /// Every rank's `values` (any length), concatenated in rank order, on every rank.
    func allGatherVariable<T: BitwiseCopyable>(_ values: [T]) throws -> [T]
    /// Waits until every rank gets here.
    func barrier() throws
}

/// One process alone: rank 0 of 1.
public final class LocalCommunicator: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allSum(_ values: [Double]) throws -> [Double] { values }
    public func allMax(_ values: [Double]) throws -> [Double] { values }
    public func allGather<T: BitwiseCopyable>(_ values: [T]) throws -> [T] { values }
    public func allGatherVariable<T: BitwiseCopyable>(_ values: [T]) throws -> [T] { values }
    public func barrier() throws {}
}
