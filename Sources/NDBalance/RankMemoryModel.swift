/// What a rank of nd-core costs beyond its model: the fixed footprint of a process and the
/// ratio of its peak RSS to the model bytes, measured on nd-core itself
/// (scripts/measure-core-overhead.sh; the README quotes the run).
public struct RankMemoryModel: Equatable, Sendable {
    /// Peak RSS [bytes] of an nd-core rank that loads nothing, under mpirun.
    public var baseBytesPerMPIRank: Double
    /// The same for a process started alone (no MPI).
    public var baseBytesSingleProcess: Double
    /// Peak RSS growth per byte of model: while a group loads, its decoded fields
    /// (NEURON's full variable rows: 2.5 times the engine's bytes for hh), then the
    /// engine's arrays. Measured with one group per rank, the usual case; a rank
    /// loading several groups peaks lower per byte (1.9 for 4 groups in one process), as
    /// groups are read one at a time.
    public var simulationFactor: Double

    /// Measured here on 2026-11-26 (Open MPI 4.1.4, Swift 6.3.1, release build; CoreNEURON
    /// dataset format).
    public static let measured = RankMemoryModel(
        baseBytesPerMPIRank: 25_530_000, baseBytesSingleProcess: 15_340_000, simulationFactor: 3.96)

    public init(baseBytesPerMPIRank: Double, baseBytesSingleProcess: Double, simulationFactor: Double) {
        self.baseBytesPerMPIRank = baseBytesPerMPIRank
        self.baseBytesSingleProcess = baseBytesSingleProcess
        self.simulationFactor = simulationFactor
    }

    /// A rank's fixed footprint in a run of `ranks` ranks (one rank runs without MPI).
    public func baseBytes(ranks: Int) -> Double { ranks > 1 ? baseBytesPerMPIRank : baseBytesSingleProcess }

    /// Predicted peak RSS [bytes] of a rank holding `modelBytes`.
    public func peakRSS(modelBytes: Double, ranks: Int) -> Double {
        baseBytes(ranks: ranks) + simulationFactor * modelBytes
    }

    /// The memory of a whole run [bytes]: every rank's base plus the model's share.
    public func total(modelBytes: Double, ranks: Int) -> Double {
        Double(ranks) * baseBytes(ranks: ranks) + simulationFactor * modelBytes
    }

    /// Nodes needed for `modelBytes` with `ranksPerNode` ranks each on nodes of
    /// `nodeMemoryBytes`, with a safety `margin` (0.3 = 30%); as neurodamus iterates it,
    /// the overhead grows with the ranks of the nodes found.
    public func suggestedNodes(modelBytes: Double, ranksPerNode: Int, nodeMemoryBytes: Double, margin: Double = 0.3) -> Int {
        var nodes = 1
        for _ in 0..<20 {
            let need = total(modelBytes: modelBytes, ranks: max(1, nodes * ranksPerNode)) * (1 + margin)
            // At most 2^24 nodes: a node memory of a few bytes must not overflow the count.
            let next = max(1, Int(min((need / nodeMemoryBytes).rounded(.up), Double(1 << 24))))
            if next == nodes { break }
            nodes = next
        }
        return nodes
    }
}
