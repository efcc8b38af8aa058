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

    public init(dtMs: Double, tstopMs: Double, celsius: Double, vInitMV: Double) {
        self.dtMs = dtMs; self.tstopMs = tstopMs; self.celsius = celsius; self.vInitMV = vInitMV
    }
}

/// A spike: time [ms] and gid.
public struct Spike: Equatable, Comparable, Sendable {
    public var timeMs: Double
    public var gid: Int64
    public init(timeMs: Double, gid: Int64) { self.timeMs = timeMs; self.gid = gid }
    public static func < (a: Spike, b: Spike) -> Bool { a.timeMs < b.timeMs || (a.timeMs == b.timeMs && a.gid < b.gid) }
}

/// The simulator: NEURON's fixed-step backward Euler on the compartment trees of the
/// loaded groups, as structure-of-arrays with no allocation in the step.
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
    var scaledArea: [Double]  // area, or 100 µm² for nodes without membrane (NEURON's choice)
    var capacitance: [Double]  // cm * 1e-3 / dt

    // Mechanisms.
    var pasNode: [Int32], pasG: [Double], pasE: [Double]
    var hhNode: [Int32], hhGna: [Double], hhGk: [Double], hhGl: [Double], hhEl: [Double], hhENa: [Double] = [], hhEK: [Double] = []
    var hhM: [Double], hhH: [Double], hhN: [Double]
    var synNode: [Int32], synTau: [Double], synE: [Double], synG: [Double], synDecay: [Double]
    var syn2Node: [Int32] = [], syn2E: [Double] = [], syn2A: [Double] = [], syn2B: [Double] = []
    var syn2Factor: [Double] = [], syn2Decay1: [Double] = [], syn2Decay2: [Double] = []
    var replaySpikes: [Spike] = []
    /// NetStims' spikes (known at load: no noise, no incoming events).
    var generatedSpikes: [Spike] = []
    var clampNode: [Int32], clampDelay: [Double], clampDuration: [Double], clampStart: [Double], clampEnd: [Double]
    var clampWidth: [Double], clampPeriod: [Double]
    var clampNow: [Double] = []

    // Spike sources and connections.
    public private(set) var gids: [Int64]
    var sourceNode: [Int32], threshold: [Double], above: [Bool]
    /// Connections by source gid: (synapse, weight, delay), in load order.
    var connections: [Int64: [(synapse: Int32, weight: Double, delay: Double)]] = [:]
    var events = EventQueue()
    /// Spikes of this process not yet exchanged.
    public private(set) var pendingSpikes: [Spike] = []

    let q10: Double

    public var nodeCount: Int { v.count }
    /// Nodes with membrane (section ends and the root have none).
    public private(set) var compartmentCount = 0
    public var cellCount: Int { gids.count }
    public var synapseCount: Int { synNode.count + syn2Node.count }
    public var connectionCount: Int { connections.values.reduce(0) { $0 + $1.count } }
    /// Smallest connection delay [ms] (infinity when none).
    public var minimumDelayMs: Double {
        connections.values.flatMap { $0.map(\.delay) }.min() ?? .infinity
    }

    public init(groups: [ModelGroup], settings: SimulationSettings) {
        self.settings = settings
        q10 = pow(3, (settings.celsius - 6.3) / 10)
        var parent: [Int32] = [], area: [Double] = [], cap: [Double] = [], aIn: [Double] = [], bIn: [Double] = []
        pasNode = []; pasG = []; pasE = []
        hhNode = []; hhGna = []; hhGk = []; hhGl = []; hhEl = []
        synNode = []; synTau = []; synE = []
        clampNode = []; clampDelay = []; clampDuration = []; clampStart = []; clampEnd = []; clampWidth = []; clampPeriod = []
        gids = []; sourceNode = []; threshold = []
        var account = MemoryAccount()
        for g in groups {
            account = account + MemoryAccount(g)
            let offset = Int32(parent.count)
            parent += g.nodes.parent.map { $0 < 0 ? -1 : $0 + offset }
            area += g.nodes.areaUm2
            cap += g.nodes.cmUFPerCm2.map { $0 * 1e-3 / settings.dtMs }
            aIn += g.nodes.a
            bIn += g.nodes.b
            pasNode += g.pas.node.map { $0 + offset }; pasG += g.pas.g; pasE += g.pas.e
            hhNode += g.hh.node.map { $0 + offset }; hhGna += g.hh.gnabar; hhGk += g.hh.gkbar; hhGl += g.hh.gl; hhEl += g.hh.el
            hhENa += g.hh.ena; hhEK += g.hh.ek
            synNode += g.expSyn.node.map { $0 + offset }; synTau += g.expSyn.tauMs; synE += g.expSyn.eMV
            clampNode += g.iClamp.node.map { $0 + offset }; clampDelay += g.iClamp.delayMs; clampDuration += g.iClamp.durationMs
            clampStart += g.iClamp.ampStartNA; clampEnd += g.iClamp.ampEndNA; clampWidth += g.iClamp.widthMs
            clampPeriod += g.iClamp.periodMs
            gids += g.cells.gid
            sourceNode += g.cells.somaNode.map { $0 + offset }
            threshold += g.cells.thresholdMV
            // Engine synapse ids: ExpSyns as 0..., Exp2Syns as -1, -2, ... (one space, two arrays).
            let expBase = Int32(synNode.count) - Int32(g.expSyn.node.count), exp2Base = Int32(syn2Node.count)
            let exp2Tau1 = g.exp2Syn.tau1Ms, exp2Tau2 = g.exp2Syn.tau2Ms
            syn2Node += g.exp2Syn.node.map { $0 + offset }
            syn2E += g.exp2Syn.eMV
            for k in g.exp2Syn.node.indices {
                // NEURON's Exp2Syn INITIAL: tau1 kept below tau2, the peak normalised to the weight.
                var tau1 = exp2Tau1[k]
                let tau2 = exp2Tau2[k]
                if tau1 / tau2 > 0.9999 { tau1 = 0.9999 * tau2 }
                if tau1 / tau2 < 1e-9 { tau1 = tau2 * 1e-9 }
                let tp = (tau1 * tau2) / (tau2 - tau1) * log(tau2 / tau1)
                syn2Factor.append(1 / (-exp(-tp / tau1) + exp(-tp / tau2)))
                syn2Decay1.append(1 - exp(settings.dtMs * (-1.0 / tau1)))
                syn2Decay2.append(1 - exp(settings.dtMs * (-1.0 / tau2)))
            }
            let expCount = Int32(g.expSyn.node.count)
            for k in 0..<g.netCons.count {
                let t = g.netCons.target[k]
                let id = t < expCount ? expBase + t : -(exp2Base + (t - expCount)) - 1
                connections[g.netCons.sourceGid[k], default: []].append((id, g.netCons.weightUS[k], g.netCons.delayMs[k]))
            }
            for k in g.replay.gid.indices { replaySpikes.append(Spike(timeMs: g.replay.timeMs[k], gid: g.replay.gid[k])) }
            for k in 0..<g.netStim.count {
                generatedSpikes += Engine.netStimSpikes(gid: g.netStim.gid[k], start: g.netStim.startMs[k],
                                                        interval: g.netStim.intervalMs[k], number: g.netStim.number[k],
                                                        until: settings.tstopMs - settings.dtMs / 2)
            }
        }
        self.account = account
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
        func moved(_ nodes: [Int32]) -> [Int32] { nodes.map { position[Int($0)] } }
        parent = order.map { parent[Int($0)] < 0 ? -1 : position[Int(parent[Int($0)])] }
        area = order.map { area[Int($0)] }
        cap = order.map { cap[Int($0)] }
        aIn = order.map { aIn[Int($0)] }
        bIn = order.map { bIn[Int($0)] }
        pasNode = moved(pasNode); hhNode = moved(hhNode); synNode = moved(synNode); syn2Node = moved(syn2Node)
        clampNode = moved(clampNode); sourceNode = moved(sourceNode)
        nodePosition = position
        rootCount = depth.filter { $0 == 0 }.count
        self.parent = parent
        compartmentCount = cap.filter { $0 > 0 }.count
        scaledArea = area
        capacitance = cap
        v = [Double](repeating: settings.vInitMV, count: n)
        rhs = [Double](repeating: 0, count: n)
        d = [Double](repeating: 0, count: n)
        a = aIn
        b = bIn
        hhM = [Double](repeating: 0, count: hhNode.count)
        hhH = hhM; hhN = hhM
        synG = [Double](repeating: 0, count: synNode.count)
        syn2A = [Double](repeating: 0, count: syn2Node.count)
        syn2B = syn2A
        // A spike replayed by several groups of this process is one spike.
        var seen = Set<[UInt64]>()
        replaySpikes = replaySpikes.filter { seen.insert([UInt64(bitPattern: $0.gid), $0.timeMs.bitPattern]).inserted }
        clampNow = [Double](repeating: 0, count: clampNode.count)
        synDecay = synTau.map { 1 - exp(settings.dtMs * (-1.0 / $0)) }
        above = [Bool](repeating: false, count: gids.count)
        hhTable = (0...200).flatMap { k -> [Double] in
            let r = exactRates(-100 + Double(k))
            return [r.minf, r.mtau, r.hinf, r.htau, r.ninf, r.ntau]
        }
        initialize()
    }

    /// NEURON's finitialize(v_init): voltages, gating states at steady state, synapses closed.
    public func initialize() {
        t = 0
        for i in v.indices { v[i] = settings.vInitMV }
        for k in hhNode.indices {
            let r = hhRates(v[Int(hhNode[k])])
            hhM[k] = r.minf; hhH[k] = r.hinf; hhN[k] = r.ninf
        }
        for k in synG.indices { synG[k] = 0 }
        for k in syn2A.indices { syn2A[k] = 0; syn2B[k] = 0 }
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

    /// hh's rate tables, as NEURON's hh.mod builds them (`TABLE ... FROM -100 TO 100 WITH
    /// 200`, used by default): minf, mtau, hinf, htau, ninf, ntau at every mV, interleaved,
    /// linearly interpolated.
    var hhTable: [Double] = []

    @inline(__always)
    func hhRates(_ v: Double) -> (minf: Double, mtau: Double, hinf: Double, htau: Double, ninf: Double, ntau: Double) {
        hhTable.withUnsafeBufferPointer { Engine.interpolate($0, v) }
    }

    @inline(__always)
    static func interpolate(_ table: UnsafeBufferPointer<Double>, _ v: Double)
        -> (minf: Double, mtau: Double, hinf: Double, htau: Double, ninf: Double, ntau: Double)
    {
        let x = v + 100  // (v - tmin) * 200 / (tmax - tmin)
        if x <= 0 { return (table[0], table[1], table[2], table[3], table[4], table[5]) }
        if x >= 200 { let o = 1200; return (table[o], table[o + 1], table[o + 2], table[o + 3], table[o + 4], table[o + 5]) }
        let i = Int(x)
        let f = x - Double(i)
        let o = 6 * i
        return (table[o] + f * (table[o + 6] - table[o]), table[o + 1] + f * (table[o + 7] - table[o + 1]),
                table[o + 2] + f * (table[o + 8] - table[o + 2]), table[o + 3] + f * (table[o + 9] - table[o + 3]),
                table[o + 4] + f * (table[o + 10] - table[o + 4]), table[o + 5] + f * (table[o + 11] - table[o + 5]))
    }

    func exactRates(_ v: Double) -> (minf: Double, mtau: Double, hinf: Double, htau: Double, ninf: Double, ntau: Double) {
        func vtrap(_ x: Double, _ y: Double) -> Double {
            abs(x / y) < 1e-6 ? y * (1 - x / y / 2) : x / (exp(x / y) - 1)
        }
        var alpha = 0.1 * vtrap(-(v + 40), 10)
        var beta = 4 * exp(-(v + 65) / 18)
        var sum = alpha + beta
        let mtau = 1 / (q10 * sum), minf = alpha / sum
        alpha = 0.07 * exp(-(v + 65) / 20)
        beta = 1 / (exp(-(v + 35) / 10) + 1)
        sum = alpha + beta
        let htau = 1 / (q10 * sum), hinf = alpha / sum
        alpha = 0.01 * vtrap(-(v + 55), 10)
        beta = 0.125 * exp(-(v + 65) / 80)
        sum = alpha + beta
        let ntau = 1 / (q10 * sum), ninf = alpha / sum
        return (minf, mtau, hinf, htau, ninf, ntau)
    }

    /// Queues the events of spikes from anywhere (this process included): each connection
    /// from the spike's gid delivers its weight at spike time + delay.
    public func receive(_ spikes: [Spike]) {
        for spike in spikes {
            guard let targets = connections[spike.gid] else { continue }
            for (k, c) in targets.enumerated() {
                events.push(Event(timeMs: spike.timeMs + c.delay, sourceGid: spike.gid, order: Int32(k),
                                  synapse: c.synapse, weight: c.weight))
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
            if e.synapse >= 0 {
                synG[Int(e.synapse)] += e.weight
            } else {
                let k = Int(-e.synapse - 1)
                syn2A[k] += e.weight * syn2Factor[k]
                syn2B[k] += e.weight * syn2Factor[k]
            }
        }
        let tMid = t + dt / 2
        for k in clampNode.indices {
            clampNow[k] = clampAmplitude(k, at: tMid)
        }
        let n = v.count
        // Plain pointers held in locals: through the closures' inout buffer parameters
        // every store would make the compiler reload every base address. (The array
        // copies end with this block, before the synapse states are written.)
        do {
        let synNode = self.synNode, synE = self.synE, synG = self.synG, scaledArea = self.scaledArea
        let syn2Node = self.syn2Node, syn2E = self.syn2E, syn2A = self.syn2A, syn2B = self.syn2B
        let clampNode = self.clampNode, clampNow = self.clampNow
        let roots = rootCount
        v.withUnsafeMutableBufferPointer { vBuffer in
        rhs.withUnsafeMutableBufferPointer { rhsBuffer in
        d.withUnsafeMutableBufferPointer { dBuffer in
        capacitance.withUnsafeBufferPointer { capBuffer in
        parent.withUnsafeBufferPointer { parentBuffer in
        a.withUnsafeBufferPointer { aBuffer in
        b.withUnsafeBufferPointer { bBuffer in
            let v = vBuffer.baseAddress!, rhs = rhsBuffer.baseAddress!, d = dBuffer.baseAddress!
            let cap = capBuffer.baseAddress!, parent = parentBuffer.baseAddress!, a = aBuffer.baseAddress!, b = bBuffer.baseAddress!
            for i in 0..<n { rhs[i] = 0; d[i] = cap[i] }
            pasNode.withUnsafeBufferPointer { node in
            pasG.withUnsafeBufferPointer { g in
            pasE.withUnsafeBufferPointer { e in
                for k in 0..<node.count {
                    let i = Int(node[k])
                    rhs[i] -= g[k] * (v[i] - e[k])
                    d[i] += g[k]
                }
            }}}
            hhNode.withUnsafeBufferPointer { node in
            hhM.withUnsafeBufferPointer { mm in
            hhH.withUnsafeBufferPointer { hh in
            hhN.withUnsafeBufferPointer { nn in
            hhGna.withUnsafeBufferPointer { gnabar in
            hhGk.withUnsafeBufferPointer { gkbar in
            hhGl.withUnsafeBufferPointer { gl in
            hhEl.withUnsafeBufferPointer { el in
            hhENa.withUnsafeBufferPointer { ena in
            hhEK.withUnsafeBufferPointer { ek in
                for k in 0..<node.count {
                    let i = Int(node[k])
                    let m = mm[k], h = hh[k], nk = nn[k]
                    let gna = gnabar[k] * m * m * m * h, gk = gkbar[k] * nk * nk * nk * nk
                    rhs[i] -= gna * (v[i] - ena[k]) + gk * (v[i] - ek[k]) + gl[k] * (v[i] - el[k])
                    d[i] += gna + gk + gl[k]
                }
            }}}}}}}}}}
            for k in synNode.indices where synG[k] != 0 {
                let i = Int(synNode[k])
                let scale = 1e2 / scaledArea[i]
                rhs[i] -= synG[k] * (v[i] - synE[k]) * scale
                d[i] += synG[k] * scale
            }
            for k in syn2Node.indices {
                let g = syn2B[k] - syn2A[k]
                if g == 0 { continue }
                let i = Int(syn2Node[k])
                let scale = 1e2 / scaledArea[i]
                rhs[i] -= g * (v[i] - syn2E[k]) * scale
                d[i] += g * scale
            }
            for k in clampNode.indices where clampNow[k] != 0 {
                let i = Int(clampNode[k])
                rhs[i] += clampNow[k] * 1e2 / scaledArea[i]
            }
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
        }
        t += dt
        // States with the new voltages (cnexp).
        v.withUnsafeBufferPointer { v in
        hhTable.withUnsafeBufferPointer { table in
        hhNode.withUnsafeBufferPointer { node in
        hhM.withUnsafeMutableBufferPointer { mBuffer in
        hhH.withUnsafeMutableBufferPointer { hBuffer in
        hhN.withUnsafeMutableBufferPointer { nBuffer in
            let m = mBuffer.baseAddress!, h = hBuffer.baseAddress!, nn = nBuffer.baseAddress!
            for k in 0..<node.count {
                let r = Engine.interpolate(table, v[Int(node[k])])
                // cnexp exactly as nocmodl writes it for x' = (xinf - x)/xtau.
                m[k] += (1 - exp(dt * (-1.0 / r.mtau))) * (-(r.minf / r.mtau) / (-1.0 / r.mtau) - m[k])
                h[k] += (1 - exp(dt * (-1.0 / r.htau))) * (-(r.hinf / r.htau) / (-1.0 / r.htau) - h[k])
                nn[k] += (1 - exp(dt * (-1.0 / r.ntau))) * (-(r.ninf / r.ntau) / (-1.0 / r.ntau) - nn[k])
            }
        }}}}}}
        self.synG.withUnsafeMutableBufferPointer { g in
        synDecay.withUnsafeBufferPointer { decay in
            for k in 0..<g.count where g[k] != 0 { g[k] += decay[k] * (-g[k]) }
        }}
        self.syn2A.withUnsafeMutableBufferPointer { a in
        self.syn2B.withUnsafeMutableBufferPointer { b in
        syn2Decay1.withUnsafeBufferPointer { d1 in
        syn2Decay2.withUnsafeBufferPointer { d2 in
            for k in 0..<a.count {
                a[k] += d1[k] * (-a[k])
                b[k] += d2[k] * (-b[k])
            }
        }}}}
    }

    @inline(__always)
    func clampAmplitude(_ k: Int, at time: Double) -> Double {
        let start = clampDelay[k]
        guard time >= start && time < start + clampDuration[k] else { return 0 }
        if clampPeriod[k] > 0 {
            return fmod(time - start, clampPeriod[k]) < clampWidth[k] ? clampStart[k] : 0
        }
        if clampEnd[k] == clampStart[k] { return clampStart[k] }
        return clampStart[k] + (clampEnd[k] - clampStart[k]) * (time - start) / clampDuration[k]
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
    var synapse: Int32
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
