import NDModel
import NDSonata
import Testing

/// Population offsets as neurodamus 4.2.9's core/nodeset.py computes them (run on its own
/// code for the case below: A 0, B 1000, V 2000).
@Suite struct NeurodamusGidsTests {
    @Test func populationsByNameEachAtTheNextThousandBlock() {
        // A: 1000 nodes, virtual V: 200, B: 500 — listed A, V, B in the circuit.
        let largest = ["A": NodeID(999), "V": NodeID(199), "B": NodeID(499)]
        let offsets = NeurodamusGids.offsets(largestNodeID: largest)
        #expect(offsets == ["A": 0, "B": 1000, "V": 2000])
        #expect(NeurodamusGids.end(offsets: offsets, largestNodeID: largest) == 3000)
        #expect(NeurodamusGids.populationsOffsetText(offsets: offsets, virtual: ["V"]) == "A::0::A\nB::1000::B\nV::2000::virtual\n")
    }

    @Test func blockBoundariesAndEmptyPopulations() {
        // A largest id of 1000 pushes the next population to 2000; an empty one still takes a block.
        #expect(NeurodamusGids.offsets(largestNodeID: ["a": NodeID(1000), "b": NodeID(0), "c": NodeID(5)]) == ["a": 0, "b": 2000, "c": 3000])
        #expect(NeurodamusGids.offsets(largestNodeID: ["a": NodeID(999), "b": NodeID(1)]) == ["a": 0, "b": 1000])
    }

    @Test func gidOffsetsTurnNodeIDsIntoGids() {
        let gids = GidOffsets(largestNodeID: ["A": NodeID(999), "V": NodeID(199), "B": NodeID(499)])
        #expect(gids.gid(population: "B", node: NodeID(7)) == Gid(1007))
        #expect(gids.gid(CellRef(population: "V", node: NodeID(3))) == Gid(2003))
        #expect(gids.gid(population: "C", node: NodeID(0)) == nil)
        #expect(gids.offset(of: "B") == 1000)
        #expect(gids.end == Gid(3000))
    }
}

/// The population ids in neurodamus's synapse stream ids (its ringtest's populations).
@Suite struct NeurodamusPopulationIDTests {
    @Test func md5OfTheNameAsNeurodamusTakesIt() {
        #expect(NeurodamusGids.populationID("RingA") == 1341)
        #expect(NeurodamusGids.populationID("RingB") == 1057)
        #expect(NeurodamusGids.populationID("RingC") == 1012)
    }
}
