#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// Simulation parameters.
public struct SimulationSettings: Sendable {
    public var dtMs: Double
    public var tstopMs: Double
    public var celsius: Double
    public var vInitMV: Double
    /// The dataset's globals (globals.dat: mechanisms' GLOBALs by `name_mechanism`).
    public var globals: [String: Double]
    /// Random123's global index (the key of every stream): globals.dat's, or the seed given.
    public var randomGlobalIndex: UInt32

    public init(dtMs: Double, tstopMs: Double, celsius: Double, vInitMV: Double, globals: [String: Double] = [:],
                randomGlobalIndex: UInt32 = 0) {
        self.dtMs = dtMs; self.tstopMs = tstopMs; self.celsius = celsius; self.vInitMV = vInitMV
        self.globals = globals; self.randomGlobalIndex = randomGlobalIndex
    }
}

/// A spike: time [ms] and gid.
public struct Spike: Equatable, Comparable, Sendable, BitwiseCopyable {
    public var timeMs: Double
    public var gid: Int64
    public init(timeMs: Double, gid: Int64) { self.timeMs = timeMs; self.gid = gid }
    public static func < (a: Spike, b: Spike) -> Bool { a.timeMs < b.timeMs || (a.timeMs == b.timeMs && a.gid < b.gid) }
}

/// The simulator: NEURON's fixed-step backward Euler on the compartment trees of the
/// loaded groups, as structure-of-arrays with no allocation in the step. Mechanisms are
/// kernels from the mechanism table (`MechanismTable`), stepped in its order.
///
/// One step from t (as NEURON's `nrn_fixed_step`): threshold detection on v(t); events
/// due by t + dt/2 delivered; membrane currents at v(t) with stimuli at t + dt/2; the
/// tree solved for Δv (Hines); v += Δv; gating states and synapses advanced with the new
/// v (cnexp); t += dt.
public final class Engine {
    public let settings: SimulationSettings
    public private(set) var t = 0.0

    // Nodes (all cells of all groups, concatenated).
    var v: [Double], rhs: [Double], d: [Double], a: [Double], b: [Double]
    var parent: [Int32]
    /// Where each node of the groups (in load order) sits in the engine's level order.
    var nodePosition: [Int32] = []
    /// Nodes without a parent: the first `rootCount` in level order.
    var rootCount = 0
    var capacitance: [Double]  // cm * 1e-3 / dt

    /// The mechanisms' kernels, in table order, and their names.
    let kernels: [any MechanismKernel]
    public let kernelNames: [String]
    /// A leak folded into the first pass: g and e per node (empty: none).
    let leakG: [Double], leakE: [Double]

    var replaySpikes: [Spike] = []
    /// NetStims' spikes (known at load: no noise, no incoming events).
    var generatedSpikes: [Spike] = []

    // Spike sources and connections.
    public private(set) var gids: [Int64]
    var sourceNode: [Int32], threshold: [Double], above: [Bool]
    /// Connections by source gid: (kernel, instance, weight, delay), in load order.
    var connections: [Int64: [(kernel: Int32, instance: Int32, weight: Double, delay: Double)]] = [:]
    var events = EventQueue()
    /// Spikes of this process not yet exchanged.
    public private(set) var pendingSpikes: [Spike] = []

    public var nodeCount: Int { v.count }
    /// Nodes with membrane (section ends and the root have none).
    public private(set) var compartmentCount = 0
    public var cellCount: Int { gids.count }
    public private(set) var synapseCount = 0
    public var connectionCount: Int { connections.values.reduce(0) { $0 + $1.count } }
    /// Smallest connection delay [ms] (infinity when none).
    public var minimumDelayMs: Double {
        connections.values.flatMap { $0.map(\.delay) }.min() ?? .infinity
    }

    /// Takes the groups' arrays over as it builds its own, and lets each kind go as soon as
    /// it is copied, so that a caller who gives up its groups (`consume`) never holds a
    /// model twice.
    public init(groups input: consuming [ModelGroup], settings: SimulationSettings) {
        var groups = input
        self.settings = settings
        var parent: [Int32] = [], area: [Double] = [], cap: [Double] = [], aIn: [Double] = [], bIn: [Double] = []
        var offsets: [Int32] = []
        gids = []; sourceNode = []; threshold = []
        var account = MemoryAccount()
        // Each node array at its final size at once (appending would double its capacity).
        let total = groups.reduce(0) { $0 + $1.nodes.parent.count }
        parent.reserveCapacity(total); area.reserveCapacity(total); cap.reserveCapacity(total)
        aIn.reserveCapacity(total); bIn.reserveCapacity(total)
        for g in groups {
            account = account + MemoryAccount(g)
            let offset = Int32(parent.count)
            offsets.append(offset)
            parent += g.nodes.parent.map { $0 < 0 ? -1 : $0 + offset }
            area += g.nodes.areaUm2
            cap += g.nodes.cmUFPerCm2.map { $0 * 1e-3 / settings.dtMs }
            aIn += g.nodes.a
            bIn += g.nodes.b
            gids += g.cells.gid
            sourceNode += g.cells.somaNode.map { $0 + offset }
            threshold += g.cells.thresholdMV
            for k in g.replay.gid.indices { replaySpikes.append(Spike(timeMs: g.replay.timeMs[k], gid: g.replay.gid[k])) }
            for k in 0..<g.vecStim.count {
                generatedSpikes += VecStim.spikes(gid: g.vecStim.gid[k], times: g.vecStim.timesMs[k], until: settings.tstopMs - settings.dtMs / 2)
            }
            for k in 0..<g.netStim.count {
                generatedSpikes += Engine.netStimSpikes(gid: g.netStim.gid[k], start: g.netStim.startMs[k],
                                                        interval: g.netStim.intervalMs[k], number: g.netStim.number[k],
                                                        until: settings.tstopMs - settings.dtMs / 2)
            }
        }
        self.account = account
        for g in groups.indices { groups[g].nodes = .init() }
        let n = parent.count
        // Nodes in level order (depth, then load order; CoreNEURON's interleaving): the
        // rows eliminated one after another then belong to different cells, whose
        // dependency chains (a division each) the processor overlaps. Parents still
        // come first and siblings keep their order, so the arithmetic is unchanged.
        var depth = [Int32](repeating: 0, count: n)
        for i in 0..<n where parent[i] >= 0 { depth[i] = depth[Int(parent[i])] + 1 }
        var order = [Int32](repeating: 0, count: n)  // new position -> old node
        do {
            var start = [Int](repeating: 0, count: Int(depth.max() ?? 0) + 2)
            for x in depth { start[Int(x) + 1] += 1 }
            for k in 1..<start.count { start[k] += start[k - 1] }
            for i in 0..<n { order[start[Int(depth[i])]] = Int32(i); start[Int(depth[i])] += 1 }
        }
        var position = [Int32](repeating: 0, count: n)  // old node -> new position
        for (k, i) in order.enumerated() { position[Int(i)] = Int32(k) }
        parent = order.map { parent[Int($0)] < 0 ? -1 : position[Int(parent[Int($0)])] }
        area = order.map { area[Int($0)] }
        cap = order.map { cap[Int($0)] }
        sourceNode = sourceNode.map { position[Int($0)] }
        nodePosition = position
        rootCount = depth.filter { $0 == 0 }.count
        self.parent = parent
        compartmentCount = cap.filter { $0 > 0 }.count
        capacitance = cap
        v = [Double](repeating: settings.vInitMV, count: n)
        rhs = [Double](repeating: 0, count: n)
        d = [Double](repeating: 0, count: n)
        a = order.map { aIn[Int($0)] }
        aIn = []
        b = order.map { bIn[Int($0)] }
        bIn = []
        depth = []
        order = []

        // The kernels, in table order; connections into the synapse kernels.
        var kernels: [any MechanismKernel] = [], names: [String] = []
        var numberings = groups.map(SynapseNumbering.init)
        for m in MechanismTable.kernels {
            let kernel = m.kernel(KernelContext(settings: settings, groups: groups, node: { g, i in position[Int(offsets[g] + i)] }, area: area))
            for g in groups.indices { m.release(&groups[g]) }
            guard let kernel else { continue }
            kernels.append(kernel)
            names.append(m.layout.name)
        }
        // The first mechanism, when a leak, joins the nodes' first pass (see LeakKernel).
        var leakG: [Double] = [], leakE: [Double] = []
        if let leak = kernels.first as? any LeakKernel {
            leakG = [Double](repeating: 0, count: n)
            leakE = leakG
            leak.fold(g: &leakG, e: &leakE)
            kernels.removeFirst()
            names.removeFirst()
        }
        self.leakG = leakG
        self.leakE = leakE
        self.kernels = kernels
        kernelNames = names
        // Connections into the synapse kernels: each group numbers its synapses over the
        // synapse mechanisms in turn; the kernels hold every group's, one after another.
        let synapseKernel = MechanismTable.synapses.map { m in Int32(names.firstIndex(of: m.layout.name) ?? -1) }
        var base = [Int32](repeating: 0, count: MechanismTable.synapses.count)
        for (index, g) in groups.enumerated() {
            let numbering = numberings[index]
            for k in 0..<g.netCons.count {
                let (m, instance) = numbering.locate(g.netCons.target[k])
                connections[g.netCons.sourceGid[k], default: []].append((synapseKernel[m], base[m] + instance, g.netCons.weightUS[k], g.netCons.delayMs[k]))
            }
            for m in base.indices { base[m] += numbering.starts[m + 1] - numbering.starts[m] }
        }
        numberings = []
        synapseCount = Int(base.reduce(0, +))
        // A spike replayed by several groups of this process is one spike.
        var seen = Set<[UInt64]>()
        replaySpikes = replaySpikes.filter { seen.insert([UInt64(bitPattern: $0.gid), $0.timeMs.bitPattern]).inserted }
        above = [Bool](repeating: false, count: gids.count)
        initialize()
    }

    /// NEURON's finitialize(v_init): voltages, then every kernel's INITIAL.
    public func initialize() {
        t = 0
        for i in v.indices { v[i] = settings.vInitMV }
        v.withUnsafeBufferPointer { v in for k in kernels { k.initialize(v: v.baseAddress!) } }
        for k in above.indices { above[k] = v[Int(sourceNode[k])] >= threshold[k] }
        events = EventQueue()
        pendingSpikes = []
        receive(replaySpikes)
        // A NetStim with a gid is a spike source like a cell: its spikes are recorded and
        // exchanged (and so delivered) with the first batch; one without reaches only the
        // connections of its own group, at once.
        receive(generatedSpikes.filter { $0.gid < 0 })
        pendingSpikes = generatedSpikes.filter { $0.gid >= 0 }
    }

    /// Queues the events of spikes from anywhere (this process included): each connection
    /// from the spike's gid delivers its weight at spike time + delay.
    public func receive(_ spikes: [Spike]) {
        for spike in spikes {
            guard let targets = connections[spike.gid] else { continue }
            for (k, c) in targets.enumerated() {
                events.push(Event(timeMs: spike.timeMs + c.delay, sourceGid: spike.gid, order: Int32(k),
                                  kernel: c.kernel, instance: c.instance, weight: c.weight))
            }
        }
    }

    /// Spikes replayed into the network from outside (CoreNEURON's `--pattern`): each
    /// reaches the connections from its gid, at its time plus their delay.
    public func replay(_ spikes: [Spike]) {
        replaySpikes += spikes
        receive(spikes)
    }

    /// Takes the spikes detected since the last call.
    public func takeSpikes() -> [Spike] {
        defer { pendingSpikes.removeAll(keepingCapacity: true) }
        return pendingSpikes
    }

    /// The gid of a cell whose membrane potential is no longer finite (-1 when the node
    /// belongs to no spike source's cell), or nil while every node's is. A sum first —
    /// NaN and infinities carry through it — and the nodes one by one only when it is not
    /// finite.
    public func nonFiniteCell() -> Int64? {
        let sum = v.withUnsafeBufferPointer { v in v.reduce(0, +) }
        guard !sum.isFinite, let bad = v.firstIndex(where: { !$0.isFinite }) else { return nil }
        func root(_ node: Int) -> Int {
            var i = node
            while parent[i] >= 0 { i = Int(parent[i]) }
            return i
        }
        let tree = root(bad)
        for k in sourceNode.indices where root(Int(sourceNode[k])) == tree { return gids[k] }
        return -1
    }

    /// Advances one time step.
    public func step() {
        let dt = settings.dtMs
        // Threshold detection on v(t).
        let now = t
        above.withUnsafeMutableBufferPointer { above in
        v.withUnsafeBufferPointer { v in
        sourceNode.withUnsafeBufferPointer { node in
        threshold.withUnsafeBufferPointer { threshold in
            for k in 0..<node.count {
                if v[Int(node[k])] >= threshold[k] {
                    if !above[k] { pendingSpikes.append(Spike(timeMs: now, gid: gids[k])); above[k] = true }
                } else {
                    above[k] = false
                }
            }
        }}}}
        // Events due by the middle of the step.
        while let e = events.peek(), e.timeMs <= t + dt / 2 {
            events.pop()
            kernels[Int(e.kernel)].receive(Int(e.instance), weight: e.weight, t: e.timeMs)
        }
        let tMid = t + dt / 2
        let n = v.count
        let roots = rootCount
        let kernels = self.kernels
        // Plain pointers held in locals: through the closures' inout buffer parameters
        // every store would make the compiler reload every base address.
        v.withUnsafeMutableBufferPointer { vBuffer in
        rhs.withUnsafeMutableBufferPointer { rhsBuffer in
        d.withUnsafeMutableBufferPointer { dBuffer in
        capacitance.withUnsafeBufferPointer { capBuffer in
        parent.withUnsafeBufferPointer { parentBuffer in
        a.withUnsafeBufferPointer { aBuffer in
        b.withUnsafeBufferPointer { bBuffer in
            let v = vBuffer.baseAddress!, rhs = rhsBuffer.baseAddress!, d = dBuffer.baseAddress!
            let cap = capBuffer.baseAddress!, parent = parentBuffer.baseAddress!, a = aBuffer.baseAddress!, b = bBuffer.baseAddress!
            if leakG.isEmpty {
                for i in 0..<n { rhs[i] = 0; d[i] = cap[i] }
            } else {
                leakG.withUnsafeBufferPointer { g in
                leakE.withUnsafeBufferPointer { e in
                    for i in 0..<n { rhs[i] = 0 - g[i] * (v[i] - e[i]); d[i] = cap[i] + g[i] }
                }}
            }
            for k in kernels { k.current(t: tMid, v: v, rhs: rhs, d: d) }
            // Axial currents and the Hines elimination in one pass, children first (parents
            // come first in the node order): when node i is reached every child has added
            // its terms to row i, so the row is complete and is eliminated into its
            // parent's at once. The roots (depth 0) come first in level order, so the
            // loops need no test for them.
            var i = n - 1
            while i >= roots {
                let p = Int(parent[i])
                let dv = v[p] - v[i]
                let ai = a[i], bi = b[i]
                let ri = rhs[i] - bi * dv
                let di = d[i] - bi
                rhs[i] = ri
                d[i] = di
                let f = ai / di
                rhs[p] += ai * dv - f * ri
                d[p] -= ai + f * bi
                i -= 1
            }
            for i in 0..<roots {
                rhs[i] /= d[i]
                v[i] += rhs[i]
            }
            for i in roots..<n {
                rhs[i] = (rhs[i] - b[i] * rhs[Int(parent[i])]) / d[i]
                v[i] += rhs[i]
            }
        }}}}}}}
        t += dt
        // States with the new voltages.
        v.withUnsafeBufferPointer { v in for k in kernels { k.advance(v: v.baseAddress!) } }
    }

    /// A NetStim's spikes as netstim.mod makes them without noise: INITIAL schedules
    /// (start + interval) - interval; from there a spike, then one every interval, each
    /// time the previous plus the interval, until `number` spikes or the last time a
    /// step delivers an event (`until`).
    static func netStimSpikes(gid: Int64, start: Double, interval: Double, number: Double, until: Double) -> [Spike] {
        guard start >= 0, number > 0 else { return [] }
        let step = interval <= 0 ? 0.01 : interval
        var t = max((start + step) - step, 0)
        var spikes: [Spike] = []
        var fired = 0.0
        while t <= until {
            spikes.append(Spike(timeMs: t, gid: gid))
            fired += 1
            if fired >= number { break }
            t += step
        }
        return spikes
    }

    /// Membrane potential [mV] of node `i`.
    public func voltage(node i: Int) -> Double { v[Int(nodePosition[i])] }

    /// The engine's byte account of the loaded model (see `MemoryAccount`).
    public private(set) var account = MemoryAccount()

    /// Bytes the engine holds for the model.
    public var modelBytes: Int { account.total }
}

/// A scheduled synaptic event.
struct Event {
    var timeMs: Double
    var sourceGid: Int64
    var order: Int32
    var kernel: Int32
    var instance: Int32
    var weight: Double

    /// Delivery order: time, then source gid, then connection — independent of which
    /// process the spike came from, so results do not depend on the number of ranks.
    @inline(__always)
    static func before(_ x: Event, _ y: Event) -> Bool {
        if x.timeMs != y.timeMs { return x.timeMs < y.timeMs }
        if x.sourceGid != y.sourceGid { return x.sourceGid < y.sourceGid }
        return x.order < y.order
    }
}

/// A binary min-heap of events.
struct EventQueue {
    private var heap: [Event] = []

    var count: Int { heap.count }

    func peek() -> Event? { heap.first }

    mutating func push(_ e: Event) {
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if !Event.before(heap[i], heap[p]) { break }
            heap.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && Event.before(heap[l], heap[m]) { m = l }
            if r < heap.count && Event.before(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }
}
