#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// The kernel neurodamus's two synapses share (ProbAMPANMDA_EMS, ProbGABAAB_EMS): a fast
/// and a slow conductance, each a difference of two exponentials (A rising, B decaying,
/// normalised to peak 1), released in vesicles from a pool of `nrrp`: at each spike, each
/// empty site recovers with probability 1 - exp(-Δt/Dep), then each full one releases with
/// probability u (Tsodyks–Markram facilitation); every draw from the synapse's own
/// Random123 stream. The arithmetic is the mod files' as CoreNEURON's generated code
/// writes it, in the same order, so that the draws and the spikes are the same.
final class StochasticReleaseKernel: MechanismKernel {
    /// Per instance; the taus of a component the mechanism holds as a global are repeated.
    struct Parameters {
        var tauRiseFast: [Double], tauDecayFast: [Double], tauRiseSlow: [Double], tauDecaySlow: [Double]
        var eFast: [Double], eSlow: [Double], slowRatio: [Double]
        var use: [Double], depression: [Double], facilitation: [Double], u0: [Double], nrrp: [Double]
        /// The slow component's magnesium block (NMDA): mg [mM] per instance, slope and scale.
        var magnesium: (mg: [Double], slope: Double, scale: Double)?
        var gmax: Double, initDepleted: Bool
        var streams: [ModelGroup.RandomStreamIDs?], globalIndex: UInt32
    }

    let node: [Int32], scale: [Double], p: Parameters, dt: Double
    var aFast: [Double], bFast: [Double], aSlow: [Double], bSlow: [Double]
    var stepAFast: [Double], stepBFast: [Double], stepASlow: [Double], stepBSlow: [Double]
    var factorFast: [Double], factorSlow: [Double]
    var u: [Double], tsyn: [Double], unoccupied: [Double], occupied: [Double]
    var streams: [RandomStream?]

    init(node: [Int32], area: [Double], parameters: Parameters, dt: Double) {
        self.node = node; p = parameters; self.dt = dt
        scale = node.map { 1e2 / area[Int($0)] }
        let zero = [Double](repeating: 0, count: node.count)
        aFast = zero; bFast = zero; aSlow = zero; bSlow = zero
        stepAFast = zero; stepBFast = zero; stepASlow = zero; stepBSlow = zero
        factorFast = zero; factorSlow = zero
        u = zero; tsyn = zero; unoccupied = zero; occupied = zero
        streams = parameters.streams.map { ids in
            ids.map { RandomStream(id1: $0.id1, id2: $0.id2, id3: $0.id3, globalIndex: parameters.globalIndex) }
        }
    }
    var count: Int { node.count }

    /// The peak-normalising factor of a difference of exponentials (the mod's INITIAL).
    static func factor(rise: Double, decay: Double) -> Double {
        let tp = (rise * decay) / (decay - rise) * log(decay / rise)
        let f = -exp(-tp / rise) + exp(-tp / decay)
        return 1.0 / f
    }

    /// One step's decay of an exponential with time constant `tau`.
    static func step(_ dt: Double, _ tau: Double) -> Double { exp(dt * ((-1.0) / tau)) }

    func initialize(v: UnsafePointer<Double>) {
        for k in node.indices {
            tsyn[k] = 0
            u[k] = p.u0[k]
            if p.initDepleted { unoccupied[k] = p.nrrp[k]; occupied[k] = 0 } else { unoccupied[k] = 0; occupied[k] = p.nrrp[k] }
            aFast[k] = 0; bFast[k] = 0; aSlow[k] = 0; bSlow[k] = 0
            factorFast[k] = Self.factor(rise: p.tauRiseFast[k], decay: p.tauDecayFast[k])
            factorSlow[k] = Self.factor(rise: p.tauRiseSlow[k], decay: p.tauDecaySlow[k])
            stepAFast[k] = Self.step(dt, p.tauRiseFast[k]); stepBFast[k] = Self.step(dt, p.tauDecayFast[k])
            stepASlow[k] = Self.step(dt, p.tauRiseSlow[k]); stepBSlow[k] = Self.step(dt, p.tauDecaySlow[k])
            streams[k]?.setSequence(0, which: 0)  // CoreNEURON restarts every stream at INITIAL
        }
    }

    /// The mod's current at `v` (BREAKPOINT's body), from the four states.
    @inline(__always)
    static func current(_ s: (aFast: Double, bFast: Double, aSlow: Double, bSlow: Double), at v: Double, gmax: Double,
                        eFast: Double, eSlow: Double, block: (mg: Double, slope: Double, scale: Double)?) -> Double {
        let gFast = gmax * (s.bFast - s.aFast)
        var gSlow = gmax * (s.bSlow - s.aSlow)
        if let block { gSlow = gSlow * (1.0 / (1.0 + exp(block.slope * -(v)) * (block.mg / block.scale))) }
        let i = gFast * (v - eFast) + gSlow * (v - eSlow)
        return 0.0 + i
    }

    func current(t: Double, v: UnsafePointer<Double>, rhs: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>) {
        let gmax = p.gmax, slope = p.magnesium?.slope ?? 0, mgScale = p.magnesium?.scale ?? 1
        let blocked = p.magnesium != nil
        node.withUnsafeBufferPointer { node in
        scale.withUnsafeBufferPointer { scale in
        aFast.withUnsafeBufferPointer { aFast in
        bFast.withUnsafeBufferPointer { bFast in
        aSlow.withUnsafeBufferPointer { aSlow in
        bSlow.withUnsafeBufferPointer { bSlow in
        p.eFast.withUnsafeBufferPointer { eFast in
        p.eSlow.withUnsafeBufferPointer { eSlow in
        (p.magnesium?.mg ?? []).withUnsafeBufferPointer { mg in
            for k in 0..<node.count {
                let s = (aFast[k], bFast[k], aSlow[k], bSlow[k])
                // No conductance, no current: adding the zeros would change nothing.
                if s.0 == 0 && s.1 == 0 && s.2 == 0 && s.3 == 0 { continue }
                let i = Int(node[k])
                let block = blocked ? (mg[k], slope, mgScale) : nil
                // The conductance as NEURON takes it: the current's slope over 1 µV.
                var g = Self.current(s, at: v[i] + 0.001, gmax: gmax, eFast: eFast[k], eSlow: eSlow[k], block: block)
                var r = Self.current(s, at: v[i], gmax: gmax, eFast: eFast[k], eSlow: eSlow[k], block: block)
                g = (g - r) / 0.001
                g = g * scale[k]
                r = r * scale[k]
                rhs[i] -= r
                d[i] += g
            }
        }}}}}}}}}
    }

    func advance(v: UnsafePointer<Double>) {
        aFast.withUnsafeMutableBufferPointer { aFast in
        bFast.withUnsafeMutableBufferPointer { bFast in
        aSlow.withUnsafeMutableBufferPointer { aSlow in
        bSlow.withUnsafeMutableBufferPointer { bSlow in
        stepAFast.withUnsafeBufferPointer { stepAFast in
        stepBFast.withUnsafeBufferPointer { stepBFast in
        stepASlow.withUnsafeBufferPointer { stepASlow in
        stepBSlow.withUnsafeBufferPointer { stepBSlow in
            for k in 0..<aFast.count {
                aFast[k] = aFast[k] * stepAFast[k]
                bFast[k] = bFast[k] * stepBFast[k]
                aSlow[k] = aSlow[k] * stepASlow[k]
                bSlow[k] = bSlow[k] * stepBSlow[k]
            }
        }}}}}}}}
    }

    /// NET_RECEIVE at the event's time `t`. (nc_type matters only to minis, whose
    /// generators nd-core does not run; delayed connections are refused at load.)
    func receive(_ k: Int, weight: Double, t: Double) {
        let weightFast = weight, weightSlow = weight * p.slowRatio[k]
        guard !(weight <= 0.0 || t < 0.0) else { return }
        if p.facilitation[k] > 0.0 { u[k] = u[k] * exp(-(t - tsyn[k]) / p.facilitation[k]) } else { u[k] = p.use[k] }
        if p.facilitation[k] > 0.0 { u[k] = u[k] + p.use[k] * (1.0 - u[k]) }
        // Recovery of the empty sites, then release from the full ones (the C loops
        // compare an int counter with a double bound).
        var counter = 0.0
        while counter <= unoccupied[k] - 1 {
            let survive = exp(-(t - tsyn[k]) / p.depression[k])
            if draw(k) > survive { occupied[k] = occupied[k] + 1.0 }
            counter += 1
        }
        var released = 0.0
        let full = occupied[k]
        counter = 0
        while counter <= full - 1 {
            if draw(k) < u[k] { occupied[k] = occupied[k] - 1.0; released = released + 1.0 }
            counter += 1
        }
        unoccupied[k] = p.nrrp[k] - occupied[k]
        tsyn[k] = t
        if released > 0.0 {
            aFast[k] = aFast[k] + released / p.nrrp[k] * weightFast * factorFast[k]
            bFast[k] = bFast[k] + released / p.nrrp[k] * weightFast * factorFast[k]
            aSlow[k] = aSlow[k] + released / p.nrrp[k] * weightSlow * factorSlow[k]
            bSlow[k] = bSlow[k] + released / p.nrrp[k] * weightSlow * factorSlow[k]
        }
    }

    /// urand(): the stream's next uniform, 0 for a synapse without one.
    @inline(__always)
    func draw(_ k: Int) -> Double { streams[k]?.uniform() ?? 0.0 }
}
