import NDModel

/// Spike generator playing a vector of times (vecevent.mod's VecStim, an artificial cell;
/// neurodamus replays spikes through it): its times come in the group's BBCOREPOINTER
/// block (per instance the vector's size, and the times). It fires at each time, each
/// next one scheduled from the last as CoreNEURON's net_send does it: (t + etime) - t.
/// nd-instantiate writes none (its replay goes through the pattern file).
public enum VecStim: Mechanism, CorePointerMechanism {
    public static let layout = MechanismLayout(name: "VecStim", kind: .artificialCell,
                                               variables: ["index", "etime", "v", "_tsav"],
                                               pdata: [.area, .pointProcess, .corePointer, .netSend], receiveSize: 1)

    public static func encode(_ model: ModelGroup, into encoder: inout DatasetEncoder) throws {}

    /// The gids come from the presyns, the times from the BBCOREPOINTER block.
    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        for _ in 0..<block.count { model.vecStim.gid.append(0); model.vecStim.timesMs.append([]) }
    }

    public static func readPointers(_ p: CoreGroup.CorePointer, into model: inout ModelGroup, decoder d: DatasetDecoder) throws {
        guard p.ints.count == model.vecStim.count else {
            throw d.fail(.inconsistent, "VecStim: \(p.ints.count) BBCOREPOINTER integers for \(model.vecStim.count) instances (one each: the vector's size)")
        }
        var offset = 0
        for k in 0..<model.vecStim.count {
            let size = Int(p.ints[k])
            guard size >= 0, offset + size <= p.doubles.count else {
                throw d.fail(.inconsistent, "VecStim instance \(k): a vector of \(size) times where \(p.doubles.count - offset) remain")
            }
            let times = Array(p.doubles[offset..<(offset + size)])
            guard times.allSatisfy({ $0.isFinite }), zip(times, times.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw d.fail(.outOfRange, "VecStim instance \(k): times must be finite and in order")
            }
            model.vecStim.timesMs[k] = times
            offset += size
        }
        guard offset == p.doubles.count else { throw d.fail(.inconsistent, "VecStim: \(p.doubles.count - offset) times left over") }
    }

    /// The spikes of one VecStim up to `until` (the last time a step delivers an event):
    /// the first at its first time, each next at (t + etime) - t, as CoreNEURON schedules it.
    static func spikes(gid: Int64, times: [Double], until: Double) -> [Spike] {
        var spikes: [Spike] = []
        var t = 0.0
        for (k, etime) in times.enumerated() {
            t = k == 0 ? (0 + etime) - 0 : (t + etime) - t
            guard t <= until else { break }
            spikes.append(Spike(timeMs: t, gid: gid))
        }
        return spikes
    }
}
