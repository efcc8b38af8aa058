/// One model-building bucket (a files.dat entry) as plain arrays: what nd-instantiate
/// writes into `E_1.dat` / `E_2.dat` and nd-core loads. Node indices are local to the
/// group; every cell's nodes are contiguous and each node's parent comes before it
/// (Hines order), -1 for a cell's root.
public struct ModelGroup: Equatable, Sendable {
    /// The files.dat entry id.
    public var entry: Int64
    public var cells: Cells = .init()
    public var nodes: Nodes = .init()
    public var pas: Pas = .init()
    public var hh: HH = .init()
    public var expSyn: ExpSyn = .init()
    public var exp2Syn: Exp2Syn = .init()
    /// Spikes replayed into the network (SONATA `spikes` inputs) from sources with
    /// connections in this group.
    public var replay: Replay = .init()
    public var iClamp: IClamp = .init()
    public var netCons: NetCons = .init()

    public init(entry: Int64) { self.entry = entry }

    /// Cells: global gid, node range, soma node, spike threshold [mV].
    public struct Cells: Equatable, Sendable {
        public var gid: [Int64] = []
        public var firstNode: [Int32] = []
        public var nodeCount: [Int32] = []
        public var somaNode: [Int32] = []
        public var thresholdMV: [Double] = []
        public init() {}
        public var count: Int { gid.count }
    }

    /// Compartment nodes: parent (-1 at a cell's root), membrane area [µm²] (0 for a
    /// section end without membrane), capacitance [µF/cm²], and 1/axial resistance to the
    /// parent [1/MΩ].
    public struct Nodes: Equatable, Sendable {
        public var parent: [Int32] = []
        public var areaUm2: [Double] = []
        public var cmUFPerCm2: [Double] = []
        public var rInvPerMOhm: [Double] = []
        public init() {}
        public var count: Int { parent.count }
    }

    /// Passive leak: g [S/cm²], e [mV].
    public struct Pas: Equatable, Sendable {
        public var node: [Int32] = [], g: [Double] = [], e: [Double] = []
        public init() {}
    }

    /// Hodgkin–Huxley (NEURON's hh.mod): densities [S/cm²] and leak reversal [mV].
    public struct HH: Equatable, Sendable {
        public var node: [Int32] = [], gnabar: [Double] = [], gkbar: [Double] = [], gl: [Double] = [], el: [Double] = []
        public init() {}
    }

    /// Exponentially decaying synaptic conductance: tau [ms], reversal e [mV].
    public struct ExpSyn: Equatable, Sendable {
        public var node: [Int32] = [], tauMs: [Double] = [], eMV: [Double] = []
        public init() {}
    }

    /// Conductance with rise and decay (NEURON's Exp2Syn): tau1 (rise) < tau2 (decay) [ms].
    public struct Exp2Syn: Equatable, Sendable {
        public var node: [Int32] = [], tau1Ms: [Double] = [], tau2Ms: [Double] = [], eMV: [Double] = []
        public init() {}
    }

    /// Replayed spikes: source gid and time [ms].
    public struct Replay: Equatable, Sendable {
        public var gid: [Int64] = [], timeMs: [Double] = []
        public init() {}
    }

    /// Number of synapses; a connection's target indexes ExpSyns first, then Exp2Syns.
    public var synapseCount: Int { expSyn.node.count + exp2Syn.node.count }

    /// Current clamps: from `delay` for `duration` [ms]; amplitude ramps from `ampStart` to
    /// `ampEnd` [nA]; with `periodMs` > 0, pulses of `widthMs` every period.
    public struct IClamp: Equatable, Sendable {
        public var node: [Int32] = [], delayMs: [Double] = [], durationMs: [Double] = []
        public var ampStartNA: [Double] = [], ampEndNA: [Double] = [], widthMs: [Double] = [], periodMs: [Double] = []
        public init() {}
    }

    /// Connections into this group's synapses: source gid, target synapse (ExpSyn index, or
    /// ExpSyn count + Exp2Syn index), weight
    /// [µS], delay [ms].
    public struct NetCons: Equatable, Sendable {
        public var sourceGid: [Int64] = [], target: [Int32] = [], weightUS: [Double] = [], delayMs: [Double] = []
        public init() {}
        public var count: Int { sourceGid.count }
    }
}
