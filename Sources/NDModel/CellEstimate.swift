/// nd-estimate's prediction for one cell: the estimates JSON-lines record (version 1)
/// `{"population":"S1","gid":13,"metype":"L5_TPC-cADpyr","cell_kb":812.4,"synapses":7312,"synapse_kb":13892.8,"total_kb":14705.2}`
/// — `gid` is the 0-based node id in its population.
public struct CellEstimate: Equatable, Sendable {
    public var population: String
    public var node: NodeID
    public var metype: String
    /// The cell without synapses [KiB].
    public var cellKiB: Double
    /// Afferent synapses (exact, or the metype's sampled mean).
    public var synapses: Double
    /// Its synapses and their connections [KiB].
    public var synapseKiB: Double

    public var totalKiB: Double { cellKiB + synapseKiB }

    public init(population: String, node: NodeID, metype: String, cellKiB: Double, synapses: Double, synapseKiB: Double) {
        self.population = population; self.node = node; self.metype = metype
        self.cellKiB = cellKiB; self.synapses = synapses; self.synapseKiB = synapseKiB
    }
}
