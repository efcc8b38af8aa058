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
        for k in c.node.indices {
            let start = c.delayMs[k], end = c.delayMs[k] + c.durationMs[k]
            if c.periodMs[k] > 0 {
                var pulse = 0.0
                while start + pulse * c.periodMs[k] < end {
                    let s = start + pulse * c.periodMs[k]
                    node.append(c.node[k]); rows.append([s, min(c.widthMs[k], end - s), c.ampStartNA[k], 0, e.vInitMV, 0])
                    pulse += 1
                }
            } else {
                guard c.ampEndNA[k] == c.ampStartNA[k] else {
                    throw NDError("a current clamp ramping from \(c.ampStartNA[k]) to \(c.ampEndNA[k]) nA: ramps are not written in the CoreNEURON format yet (a constant amplitude or a pulse train is)")
                }
                node.append(c.node[k]); rows.append([start, c.durationMs[k], c.ampStartNA[k], 0, e.vInitMV, 0])
            }
        }
        try e.add(layout, count: node.count, nodes: node) { rows[$0] }
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        try d.checkArea(block, layout: layout)
        let n = layout.variables.count
        for k in 0..<block.count {
            let del = block.data[k * n], dur = block.data[k * n + 1], amp = block.data[k * n + 2]
            guard del.isFinite, dur.isFinite, dur >= 0, amp.isFinite else {
                throw d.fail("IClamp instance \(k): del \(del), dur \(dur), amp \(amp): expected finite values, dur >= 0")
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
        let node = c.nodes { $0.iClamp.node }
        guard !node.isEmpty else { return nil }
        return Kernel(node: node, delay: c.gather { $0.iClamp.delayMs }, duration: c.gather { $0.iClamp.durationMs },
                      start: c.gather { $0.iClamp.ampStartNA }, end: c.gather { $0.iClamp.ampEndNA },
                      width: c.gather { $0.iClamp.widthMs }, period: c.gather { $0.iClamp.periodMs }, area: c.area)
    }

    final class Kernel: MechanismKernel {
        let node: [Int32], delay: [Double], duration: [Double], start: [Double], end: [Double]
        let width: [Double], period: [Double], area: [Double]
        init(node: [Int32], delay: [Double], duration: [Double], start: [Double], end: [Double], width: [Double], period: [Double], area: [Double]) {
            self.node = node; self.delay = delay; self.duration = duration; self.start = start; self.end = end
            self.width = width; self.period = period
            self.area = node.map { area[Int($0)] }
        }
        var count: Int { node.count }

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
            for k in node.indices {
                let amp = amplitude(k, at: t)
                if amp != 0 { rhs[Int(node[k])] += amp * 1e2 / area[k] }
            }
        }
    }
}
