/// Random123's Philox4x32-10 counter-based generator, and the streams CoreNEURON's
/// nrnran123 draws from it: a stream is a counter (sequence, id3, id1, id2) under the
/// process's key (global index, 0); each block of four 32-bit outputs is used in turn
/// before the sequence moves on. The same ids, index and sequence give the same draws
/// as CoreNEURON, which is what makes stochastic synapses reproducible across
/// simulators and rank counts.
public enum Philox4x32 {
    public typealias Block = (UInt32, UInt32, UInt32, UInt32)

    /// The ten rounds on `counter` under `key`.
    public static func block(_ counter: Block, key: (UInt32, UInt32)) -> Block {
        var c = counter, k = key
        round(&c, k)
        for _ in 1..<10 {
            k.0 &+= 0x9E37_79B9
            k.1 &+= 0xBB67_AE85
            round(&c, k)
        }
        return c
    }

    @inline(__always)
    static func round(_ c: inout Block, _ k: (UInt32, UInt32)) {
        let p0 = UInt64(0xD251_1F53) * UInt64(c.0), p1 = UInt64(0xCD9E_8D57) * UInt64(c.2)
        c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
             UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
    }
}

/// One nrnran123 stream (CoreNEURON's `nrnran123_State`).
public struct RandomStream: Sendable, Equatable {
    public let ids: (id1: UInt32, id2: UInt32, id3: UInt32)
    public let globalIndex: UInt32
    public private(set) var sequence: UInt32 = 0
    /// Which of the block's four outputs comes next (0...3).
    public private(set) var which = 0
    var block: Philox4x32.Block = (0, 0, 0, 0)

    public init(id1: UInt32, id2: UInt32, id3: UInt32, globalIndex: UInt32) {
        ids = (id1, id2, id3)
        self.globalIndex = globalIndex
        setSequence(0, which: 0)
    }

    /// nrnran123_setseq: a `which` beyond 3 counts as 0.
    public mutating func setSequence(_ sequence: UInt32, which: Int) {
        self.sequence = sequence
        self.which = (0...3).contains(which) ? which : 0
        block = Philox4x32.block((sequence, ids.id3, ids.id1, ids.id2), key: (globalIndex, 0))
    }

    /// nrnran123_ipick: the next 32-bit output.
    public mutating func next() -> UInt32 {
        let value: UInt32
        switch which {
        case 0: value = block.0
        case 1: value = block.1
        case 2: value = block.2
        default: value = block.3
        }
        which += 1
        if which > 3 { setSequence(sequence &+ 1, which: 0) }
        return value
    }

    /// nrnran123_dblpick: a uniform double in the open interval (0, 1).
    public mutating func uniform() -> Double {
        (Double(next()) + 1.0) * (1.0 / 4294967297.0)
    }

    public static func == (a: RandomStream, b: RandomStream) -> Bool {
        a.ids == b.ids && a.globalIndex == b.globalIndex && a.sequence == b.sequence && a.which == b.which
    }
}
