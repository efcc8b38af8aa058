#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds on the monotonic clock.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU seconds of the calling thread: what a phase cost, without the time it waited for a
/// core (2 MPI processes on 2 shared cores wait a lot).
public func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Where the time of building and writing a model group went, in CPU seconds of the
/// thread (`threadCPUSeconds`), split between
/// its cells and its synapses, so that a cost per compartment and one per synapse can be
/// measured apart (nd-instantiate reports them per bucket):
///
/// - `cells`: the cells' compartments and density mechanisms (morphologies read once,
///   layouts, stimuli);
/// - `edges`: reading the afferent edges' columns;
/// - `synapses`: turning edges into synapse instances and connections, numbering them,
///   the replayed spikes of their sources;
/// - `writeCells`, `writeSynapses`: turning the group into CoreNEURON's arrays (measured
///   apart: nodes and density mechanisms against synapse mechanisms and connections),
///   then the two files' bytes, their writing and checksums (one stream of bytes,
///   attributed in proportion to the bytes of each part).
public struct PhaseSeconds: BitwiseCopyable, Sendable, Equatable {
    public var cells = 0.0, edges = 0.0, synapses = 0.0, writeCells = 0.0, writeSynapses = 0.0

    public init() {}

    public var total: Double { cells + edges + synapses + writeCells + writeSynapses }

    public static func + (a: PhaseSeconds, b: PhaseSeconds) -> PhaseSeconds {
        var s = a
        s.cells += b.cells; s.edges += b.edges; s.synapses += b.synapses
        s.writeCells += b.writeCells; s.writeSynapses += b.writeSynapses
        return s
    }
}

/// Adds the CPU time since the last lap to one field of `PhaseSeconds` at a time.
public struct PhaseStopwatch {
    private var last = threadCPUSeconds()

    public init() {}

    /// The CPU seconds since the last lap (or the start), added to `field` of `seconds`.
    @discardableResult
    public mutating func lap(_ field: WritableKeyPath<PhaseSeconds, Double>, of seconds: inout PhaseSeconds) -> Double {
        let now = threadCPUSeconds(), elapsed = now - last
        seconds[keyPath: field] += elapsed
        last = now
        return elapsed
    }

    /// The CPU seconds since the last lap, counted nowhere; the next lap starts now.
    @discardableResult
    public mutating func lap() -> Double {
        let now = threadCPUSeconds(), elapsed = now - last
        last = now
        return elapsed
    }
}
