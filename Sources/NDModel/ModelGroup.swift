/// One model-building bucket (a files.dat entry) as the engine simulates it: plain
/// arrays per kind of thing, in the engine's units. nd-instantiate builds one from a
/// SONATA circuit and writes it as CoreNEURON's phase files (`CoreGroup`); nd-core reads
/// those files back into one. Node indices are local to the group; each node's parent
/// comes before it, -1 for a cell's root.
public struct ModelGroup: Equatable, Sendable {
    /// The files.dat entry id.
    public var entry: Int64
    public var cells: Cells = .init()
    public var nodes: Nodes = .init()
    public var pas: Pas = .init()
    public var hh: HH = .init()
    public var expSyn: ExpSyn = .init()
    public var exp2Syn: Exp2Syn = .init()
    public var probAMPANMDA: ProbAMPANMDA = .init()
    public var probGABAAB: ProbGABAAB = .init()
    /// Spikes replayed into the network (SONATA `spikes` inputs) from sources with
    /// connections in this group.
    public var replay: Replay = .init()
    public var iClamp: IClamp = .init()
    public var netStim: NetStim = .init()
    public var vecStim: VecStim = .init()
    public var netCons: NetCons = .init()

    public init(entry: Int64) { self.entry = entry }

    /// Cells: global gid, spike-source node (the soma), spike threshold [mV].
    public struct Cells: Equatable, Sendable {
        public var gid: [Int64] = []
        public var somaNode: [Int32] = []
        public var thresholdMV: [Double] = []
        public init() {}
        public var count: Int { gid.count }
    }

    /// Compartment nodes: parent (-1 at a cell's root); area [µm²], 100 for a node
    /// without membrane (a section end, a cell's root) as NEURON sets it; capacitance
    /// [µF/cm²], 0 for a node without membrane; NEURON's axial coefficients a (the node
    /// in its parent's row) and b (the parent in the node's row), -100/(ri · area) with
    /// the parent's and the node's own area [1/(MΩ·µm²) × 100], 0 at roots.
    public struct Nodes: Equatable, Sendable {
        public var parent: [Int32] = []
        public var areaUm2: [Double] = []
        public var cmUFPerCm2: [Double] = []
        public var a: [Double] = []
        public var b: [Double] = []
        public init() {}
        public var count: Int { parent.count }
        /// Nodes with membrane (capacitance).
        public var compartmentCount: Int { cmUFPerCm2.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
    }

    /// Passive leak: g [S/cm²], e [mV].
    public struct Pas: Equatable, Sendable {
        public var node: [Int32] = [], g: [Double] = [], e: [Double] = []
        public init() {}
    }

    /// Hodgkin–Huxley (NEURON's hh.mod): densities [S/cm²], leak reversal [mV], and the
    /// sodium and potassium reversals [mV] it reads from na_ion and k_ion.
    public struct HH: Equatable, Sendable {
        public var node: [Int32] = [], gnabar: [Double] = [], gkbar: [Double] = [], gl: [Double] = [], el: [Double] = []
        public var ena: [Double] = [], ek: [Double] = []
        public init() {}
        /// NEURON's default reversals [mV] (na_ion's and k_ion's).
        public static let defaultENa = 50.0, defaultEK = -77.0
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

    /// neurodamus's excitatory synapse (ProbAMPANMDA_EMS): AMPA and NMDA (with its
    /// magnesium block) conductances released from a pool of `nrrp` vesicles, each
    /// release and recovery drawn from the synapse's Random123 stream; Tsodyks–Markram
    /// depression and facilitation. Rise times, NMDA decay, reversal and gmax are the
    /// mechanism's globals (the dataset's globals.dat).
    public struct ProbAMPANMDA: StochasticSynapses, Equatable, Sendable {
        public var node: [Int32] = []
        public var tauDecayAMPAMs: [Double] = [], use: [Double] = [], depressionMs: [Double] = [], facilitationMs: [Double] = []
        public var mgMM: [Double] = [], u0: [Double] = [], nrrp: [Double] = [], synapseID: [Double] = []
        public var nmdaRatio: [Double] = [], conductanceUS: [Double] = []
        /// The release stream of each synapse (nil: it has none, and every draw is 0, as in the mod file).
        public var stream: [RandomStreamIDs?] = []
        public init() {}
        public var count: Int { node.count }
    }

    /// neurodamus's inhibitory synapse (ProbGABAAB_EMS): GABA_A and GABA_B conductances,
    /// released as ProbAMPANMDA's; GABA_B's rise and decay and gmax are globals.
    public struct ProbGABAAB: StochasticSynapses, Equatable, Sendable {
        public var node: [Int32] = []
        public var tauRiseGABAAMs: [Double] = [], tauDecayGABAAMs: [Double] = [], use: [Double] = [], depressionMs: [Double] = []
        public var facilitationMs: [Double] = [], eGABAAMV: [Double] = [], eGABABMV: [Double] = [], u0: [Double] = []
        public var nrrp: [Double] = [], synapseID: [Double] = [], gababRatio: [Double] = [], conductanceUS: [Double] = []
        public var stream: [RandomStreamIDs?] = []
        public init() {}
        public var count: Int { node.count }
    }

    /// What the stochastic synapses' columns share: their nodes and streams.
    public protocol StochasticSynapses {
        var node: [Int32] { get set }
        var stream: [RandomStreamIDs?] { get set }
        init()
    }

    /// A Random123 stream's three ids (nrnran123_newstream3).
    public struct RandomStreamIDs: Equatable, Sendable {
        public var id1: UInt32, id2: UInt32, id3: UInt32
        public init(id1: UInt32, id2: UInt32, id3: UInt32) { self.id1 = id1; self.id2 = id2; self.id3 = id3 }
    }

    /// Number of synapses; a connection's target indexes them in this order: ExpSyns,
    /// Exp2Syns, ProbAMPANMDA_EMS, ProbGABAAB_EMS.
    public var synapseCount: Int { expSyn.node.count + exp2Syn.node.count + probAMPANMDA.count + probGABAAB.count }

    /// Current clamps: from `delay` for `duration` [ms]; amplitude ramps from `ampStart` to
    /// `ampEnd` [nA]; with `periodMs` > 0, pulses of `widthMs` every period.
    /// A clamp may instead have its amplitude played from a vector (`plays`, by clamp):
    /// NEURON's Vector.play(&amp, t, 1), as CoreNEURON runs it.
    public struct IClamp: Equatable, Sendable {
        public var node: [Int32] = [], delayMs: [Double] = [], durationMs: [Double] = []
        public var ampStartNA: [Double] = [], ampEndNA: [Double] = [], widthMs: [Double] = [], periodMs: [Double] = []
        public var plays: [Int: Play] = [:]
        public init() {}
    }

    /// Amplitudes [nA] at times [ms], linearly interpolated (Vector.play, continuous).
    public struct Play: Equatable, Sendable {
        public var timesMs: [Double], values: [Double]
        public init(timesMs: [Double], values: [Double]) { self.timesMs = timesMs; self.values = values }
    }

    /// Spike generators (NEURON's NetStim without noise): spikes at `start`, then every
    /// `interval` ms, `number` of them; the gid, or a negative key local to the loaded
    /// model when it has none (its spikes reach only this group's connections).
    public struct NetStim: Equatable, Sendable {
        public var gid: [Int64] = [], startMs: [Double] = [], intervalMs: [Double] = [], number: [Double] = []
        public init() {}
        public var count: Int { gid.count }
    }

    /// Spike generators playing a vector of times (neurodamus's replay, vecevent.mod's
    /// VecStim); the gid, or a local key as a NetStim's.
    public struct VecStim: Equatable, Sendable {
        public var gid: [Int64] = [], timesMs: [[Double]] = []
        public init() {}
        public var count: Int { gid.count }
    }

    /// Connections into this group's synapses: source gid (or a NetStim's local key),
    /// target synapse (its index in the order of `synapseCount`), weight [µS], delay [ms].
    public struct NetCons: Equatable, Sendable {
        public var sourceGid: [Int64] = [], target: [Int32] = [], weightUS: [Double] = [], delayMs: [Double] = []
        public init() {}
        public var count: Int { sourceGid.count }
    }
}
