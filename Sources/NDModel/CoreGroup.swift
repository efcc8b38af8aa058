/// One files.dat entry of a CoreNEURON dataset as its phase 1 (`E_1.dat`) and phase 2
/// (`E_2.dat`) files hold it, field for field, before any interpretation: the unit
/// nd-instantiate writes, nd-core loads and the checksums cover.
///
/// Nodes come roots first (one per cell), each node after its parent. Presyns (spike
/// sources) come real cells first, then artificial cells. Mechanism data is per instance
/// (all of an instance's variables together), as the files store it.
public struct CoreGroup: Equatable, Sendable {
    public var id: Int

    // Phase 1.
    /// Gid of every presyn; -1 for one without a gid.
    public var outputGids: [Int32] = []
    /// Source gid of every NetCon (-1: none).
    public var netconSourceGids: [Int32] = []

    // Phase 2 header.
    public var realCellCount = 0
    /// Presyns with a gid (`ngid`) and those that are real cells' voltages (`n_real_gid`).
    public var outputCount = 0
    public var realOutputCount = 0

    // Nodes.
    public var parent: [Int32] = []
    public var a: [Double] = [], b: [Double] = [], area: [Double] = [], v: [Double] = []
    public var diam: [Double]? = nil

    public var mechanisms: [Mechanism] = []
    /// Slots for pointers (point processes, event queue items, random streams).
    public var vdataCount = 0

    // Spike sources and connections.
    /// Per presyn: its node (threshold on v), or -(instance × 1000 + type) for an artificial cell.
    public var outputNode: [Int32] = []
    /// Per real-cell presyn: threshold [mV].
    public var outputThreshold: [Double] = []
    /// Per NetCon: target mechanism type (0: none) and instance.
    public var netconTargetType: [Int32] = []
    public var netconTargetIndex: [Int32] = []
    /// NET_RECEIVE arguments of every NetCon, one after the other.
    public var weights: [Double] = []
    public var delays: [Double] = []

    public var corePointers: [CorePointer] = []
    public var vecPlays: [VecPlay] = []

    public init(id: Int) { self.id = id }

    public var nodeCount: Int { parent.count }

    /// One mechanism type's instances.
    public struct Mechanism: Equatable, Sendable {
        public var type: Int
        public var count: Int
        /// Node of each instance; nil for artificial cells, which have none.
        public var nodeIndices: [Int32]?
        /// `count × dataSize` doubles, instance by instance.
        public var data: [Double]
        /// `count × pdataSize` integers, instance by instance.
        public var pdata: [Int32]
        /// For POINTER slots: the mechanism type each one points into.
        public var pointerTypes: [Int32] = []
        /// NMODL RANDOM streams: as NEURON writes them (empty: none).
        public var random: [UInt32] = []

        public init(type: Int, count: Int, nodeIndices: [Int32]?, data: [Double], pdata: [Int32],
                    pointerTypes: [Int32] = [], random: [UInt32] = []) {
            self.type = type; self.count = count; self.nodeIndices = nodeIndices; self.data = data
            self.pdata = pdata; self.pointerTypes = pointerTypes; self.random = random
        }
    }

    /// BBCOREPOINTER data of one mechanism type (e.g. random streams' seeds).
    public struct CorePointer: Equatable, Sendable {
        public var type: Int
        public var ints: [Int32]
        public var doubles: [Double]
        public init(type: Int, ints: [Int32], doubles: [Double]) { self.type = type; self.ints = ints; self.doubles = doubles }
    }

    /// A vector played into a mechanism variable (`Vector.play`, continuous).
    public struct VecPlay: Equatable, Sendable {
        /// NEURON's VecPlayContinuousType, the only kind nrncore_write writes.
        public static let continuousType = 4
        public var playType: Int
        public var mechanismType: Int
        /// Index of the variable in the mechanism's data, instance by instance.
        public var index: Int
        public var values: [Double]
        public var times: [Double]
        public init(playType: Int, mechanismType: Int, index: Int, values: [Double], times: [Double]) {
            self.playType = playType; self.mechanismType = mechanismType; self.index = index
            self.values = values; self.times = times
        }
    }
}
