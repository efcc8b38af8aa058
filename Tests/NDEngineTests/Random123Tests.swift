import NDEngine
import Testing

/// Philox4x32-10 against Random123's known answers, and nrnran123 streams against
/// draws NEURON 9.0.2's `Random.Random123(...).uniform(0, 1)` made.
@Suite struct Random123Tests {
    func hex(_ b: Philox4x32.Block) -> [UInt32] { [b.0, b.1, b.2, b.3] }

    @Test func philoxKnownAnswers() {
        #expect(hex(Philox4x32.block((0, 0, 0, 0), key: (0, 0))) == [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8])
        let ones = UInt32.max
        #expect(hex(Philox4x32.block((ones, ones, ones, ones), key: (ones, ones))) == [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd])
        #expect(hex(Philox4x32.block((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), key: (0xa4093822, 0x299f31d0)))
            == [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1])
    }

    @Test func streamsDrawWhatNeuronDraws() {
        var s = RandomStream(id1: 1, id2: 2, id3: 3, globalIndex: 0)
        #expect((0..<5).map { _ in s.next() } == [0xfb19c3eb, 0x3aa67d00, 0x1ff7807a, 0x2065ed14, 0xc74eb311])
        #expect(s.sequence == 1 && s.which == 1)
        var t = RandomStream(id1: 251, id2: 100, id3: 300, globalIndex: 1122)
        #expect((0..<6).map { _ in t.uniform() }
            == [0.7619215436834094, 0.5341470736232243, 0.22212010360739193, 0.6197598186275549, 0.23018921440695664, 0.917527444447035])
        var u = RandomStream(id1: 1, id2: 2, id3: 3, globalIndex: 0)
        #expect((0..<5).map { _ in u.uniform() } == [0.980861897351951, 0.22910290974446038, 0.12487032890206429, 0.12655526885610183, 0.7785446087879724])
    }

    @Test func setSequenceRestartsTheStream() {
        var s = RandomStream(id1: 251, id2: 100, id3: 300, globalIndex: 1122)
        let first = s.uniform()
        _ = (0..<9).map { _ in s.uniform() }
        s.setSequence(0, which: 0)
        #expect(s.uniform() == first)
        s.setSequence(0, which: 7)  // out of range: 0, as nrnran123_setseq
        #expect(s.uniform() == first)
    }
}
