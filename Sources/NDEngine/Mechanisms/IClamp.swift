#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// Current clamp (NEURON's stim.mod): amp [nA] from del for dur [ms]. A SONATA pulse
/// train is written as one clamp per pulse.
public enum IClamp: Mechanism {
    public static let layout = MechanismLayout(name: "IClamp", kind: .pointProcess,
                                               variables: ["del", "dur", "amp", "i", "v", "_g"], pdata: [.area, .pointProcess])

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let c = model.iClamp
        var node: [Int32] = [], rows: [[Double]] = []
        var plays: [(row: Int, play: ModelGroup.Play)] = []
        for k in c.node.indices {
            let start = c.delayMs[k], end = c.delayMs[k] + c.durationMs[k]
            if let play = c.plays[k] {
                plays.append((rows.count, play))
                node.append(c.node[k]); rows.append([start, c.durationMs[k], play.values.first ?? 0, 0, e.vInitMV, 0])
            } else if c.periodMs[k] > 0 {
                var pulse = 0.0
                while start + pulse * c.periodMs[k] < end {
                    let s = start + pulse * c.periodMs[k]
                    node.append(c.node[k]); rows.append([s, min(c.widthMs[k], end - s), c.ampStartNA[k], 0, e.vInitMV, 0])
                    pulse += 1
                }
            } else {
                // A ramp is the amplitude played from its start to its end (as neurodamus
                // plays it); a constant one is the amplitude itself.
                if c.ampEndNA[k] != c.ampStartNA[k] {
                    plays.append((rows.count, ModelGroup.Play(timesMs: [start, end], values: [c.ampStartNA[k], c.ampEndNA[k]])))
                }
                node.append(c.node[k]); rows.append([start, c.durationMs[k], c.ampStartNA[k], 0, e.vInitMV, 0])
            }
        }
        try e.add(layout, count: node.count, nodes: node) { rows[$0] }
        let at = e.position(of: layout.name)
        for p in plays {
            e.play(layout, instance: at[p.row], variable: layout.column("amp"), timesMs: p.play.timesMs, values: p.play.values)
        }
    }

    /// The group's VecPlays into its clamps' amplitudes (read after the blocks, at the
    /// end of phase 2).
    public static func decodePlays(_ plays: [CoreGroup.VecPlay], from d: DatasetDecoder, into model: inout ModelGroup) throws {
        let n = layout.variables.count
        for p in plays {
            guard p.playType == CoreGroup.VecPlay.continuousType, p.index % n == layout.column("amp"), p.index / n < model.iClamp.node.count else {
                throw d.fail(.unsupported, "VecPlay of kind \(p.playType) into IClamp variable \(layout.variables[p.index % n]) of instance \(p.index / n); nd-core plays IClamp.amp only")
            }
            guard p.times.count >= 1, p.times.allSatisfy(\.isFinite), p.values.allSatisfy(\.isFinite),
                  zip(p.times, p.times.dropFirst()).allSatisfy({ $0 <= $1 })
            else { throw d.fail(.outOfRange, "VecPlay into IClamp \(p.index / n): times must be finite and ascending") }
            model.iClamp.plays[p.index / n] = ModelGroup.Play(timesMs: p.times, values: p.values)
        }
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        try d.checkArea(block, layout: layout)
        let n = layout.variables.count
        for k in 0..<block.count {
            let del = block.data[k * n], dur = block.data[k * n + 1], amp = block.data[k * n + 2]
            guard del.isFinite, dur.isFinite, dur >= 0, amp.isFinite else {
                throw d.fail(.outOfRange, "IClamp instance \(k): del \(del), dur \(dur), amp \(amp): expected finite values, dur >= 0")
            }
            model.iClamp.node.append(block.nodeIndices![k])
            model.iClamp.delayMs.append(del); model.iClamp.durationMs.append(dur)
            model.iClamp.ampStartNA.append(amp); model.iClamp.ampEndNA.append(amp)
            model.iClamp.widthMs.append(0); model.iClamp.periodMs.append(0)
        }
    }
}

extension IClamp: KernelMechanism {
    public static func nodes(of model: ModelGroup) -> [Int32] { model.iClamp.node }
    public static func release(_ model: inout ModelGroup) { model.iClamp = .init() }
    /// Node index; delay, duration, two amplitudes, pulse width and period, area.
    public static let engineBytesPerInstance = 4 + 7 * 8

    public static func kernel(_ c: KernelContext) -> (any MechanismKernel)? {
        let node = c.nodes { nodes(of: $0) }
        guard !node.isEmpty else { return nil }
        var plays: [Int: ModelGroup.Play] = [:], base = 0
        for g in c.groups {
            for (k, p) in g.iClamp.plays { plays[base + k] = p }
            base += g.iClamp.node.count
        }
        return Kernel(node: node, delay: c.gather { $0.iClamp.delayMs }, duration: c.gather { $0.iClamp.durationMs },
                      start: c.gather { $0.iClamp.ampStartNA }, end: c.gather { $0.iClamp.ampEndNA },
                      width: c.gather { $0.iClamp.widthMs }, period: c.gather { $0.iClamp.periodMs }, area: c.area,
                      plays: plays, dt: c.settings.dtMs)
    }

    /// A vector played into a clamp's amplitude, as CoreNEURON's VecPlayContinuous plays
    /// it: an event at each point's time (delivered with the step's events, by t + dt/2)
    /// moves the upper bound on; before each step's currents the amplitude is the linear
    /// interpolation at t + dt/2 between the points around it (past the upper bound, the
    /// last two points' line).
    struct Played {
        let t: [Double], y: [Double]
        var ubound = 0, pending = true

        init(_ p: ModelGroup.Play) { t = p.timesMs; y = p.values }

        mutating func initialize(dt: Double) { ubound = 0; pending = true; deliver(upTo: dt / 2) }

        mutating func deliver(upTo tm: Double) {
            while pending && t[ubound] <= tm {
                if ubound < t.count - 1 { ubound += 1 } else { pending = false }
            }
        }

        func value(at tt: Double) -> Double {
            var last: Int
            if tt >= t[ubound] {
                last = ubound
                if last == 0 { return y[0] }
            } else if tt <= t[0] {
                return y[0]
            } else {
                last = 0
                while tt >= t[last] { last += 1 }
            }
            let x0 = y[last - 1], x1 = y[last], t0 = t[last - 1], t1 = t[last]
            if t0 == t1 { return (x0 + x1) / 2 }
            return x0 + (x1 - x0) * ((tt - t0) / (t1 - t0))
        }
    }

    final class Kernel: MechanismKernel {
        let node: [Int32], delay: [Double], duration: [Double], start: [Double], end: [Double]
        let width: [Double], period: [Double], area: [Double]
        /// Played amplitudes: the clamps that have one, and its state.
        let playedClamps: [Int]
        var played: [Played]
        let dt: Double
        init(node: [Int32], delay: [Double], duration: [Double], start: [Double], end: [Double], width: [Double], period: [Double],
             area: [Double], plays: [Int: ModelGroup.Play], dt: Double) {
            self.node = node; self.delay = delay; self.duration = duration; self.start = start; self.end = end
            self.width = width; self.period = period
            self.area = node.map { area[Int($0)] }
            playedClamps = plays.keys.sorted()
            played = playedClamps.map { Played(plays[$0]!) }
            self.dt = dt
        }
        var count: Int { node.count }

        func initialize(v: UnsafePointer<Double>) {
            for k in played.indices { played[k].initialize(dt: dt) }
        }

        /// stim.mod's `at_time` window, with nd-instantiate's ramps and pulse trains.
        @inline(__always)
        func amplitude(_ k: Int, at time: Double) -> Double {
            let s = delay[k]
            guard time >= s && time < s + duration[k] else { return 0 }
            if period[k] > 0 { return fmod(time - s, period[k]) < width[k] ? start[k] : 0 }
            if end[k] == start[k] { return start[k] }
            return start[k] + (end[k] - start[k]) * (time - s) / duration[k]
        }

        func current(t: Double, v: UnsafePointer<Double>, rhs: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>) {
            var next = 0  // the next played clamp
            for k in node.indices {
                var amp: Double
                if next < playedClamps.count && playedClamps[next] == k {
                    played[next].deliver(upTo: t)
                    let s = delay[k]
                    amp = t < s + duration[k] && t >= s ? played[next].value(at: t) : 0
                    next += 1
                } else {
                    amp = amplitude(k, at: t)
                }
                if amp != 0 { rhs[Int(node[k])] += amp * 1e2 / area[k] }
            }
        }
    }
}
