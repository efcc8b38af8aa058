import NDModel

/// Spike generator (NEURON's netstim.mod), an artificial cell: `number` spikes from
/// `start`, every `interval` ms. Only without noise (noise draws Random123 numbers nd-core
/// does not make yet) and without events into it.
public enum NetStim: Mechanism {
    public static let layout = MechanismLayout(name: "NetStim", kind: .artificialCell,
                                               variables: ["interval", "number", "start", "noise", "event", "on", "ispike", "v", "_tsav"],
                                               pdata: [.area, .pointProcess, .random, .netSend], receiveSize: 1)

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let s = model.netStim
        // NEURON's stream ids for the (unused) noise: one stream per instance.
        var random: [UInt32] = [1, 2]
        for k in 0..<s.count { random += [1, 0, UInt32(k + 1), 0, 0] }
        try e.add(layout, count: s.count, nodes: nil, row: { k in
            [s.intervalMs[k], s.number[k], s.startMs[k], 0, 0, 0, 0, 0, -1e20]
        }, random: s.count > 0 ? random : [])
    }

    /// The NetStim's gid comes from its presyn (see `ModelGroup.init(dataset:)`).
    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        let n = layout.variables.count
        for k in 0..<block.count {
            let interval = block.data[k * n], number = block.data[k * n + 1], start = block.data[k * n + 2], noise = block.data[k * n + 3]
            guard noise == 0 else {
                throw d.fail(.unsupported, "NetStim instance \(k): noise \(noise); nd-core runs NetStims without noise only (noise needs Random123 streams)")
            }
            guard interval.isFinite, number.isFinite, start.isFinite, number < 1e9 else {
                throw d.fail(.outOfRange, "NetStim instance \(k): interval \(interval), number \(number), start \(start): expected finite values")
            }
            model.netStim.gid.append(0)  // set from the presyns
            model.netStim.intervalMs.append(interval); model.netStim.number.append(number); model.netStim.startMs.append(start)
        }
    }
}
