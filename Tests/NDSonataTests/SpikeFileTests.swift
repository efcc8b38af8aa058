import Foundation
import NDModel
import NDSonata
import Testing

extension SonataSuite {
    @Suite struct SpikeFileTests {
        typealias Spikes = [(node: NodeID, timeMs: Double)]

        func spikes(_ written: Spikes, of population: String) -> [SpikeFile.Spike] {
            written.map { SpikeFile.Spike(population: population, node: $0.node, timeMs: $0.timeMs) }
        }

        // Times out of order and a node twice: read keeps the file's order, it sorts nothing
        // within a population.
        let a: Spikes = [(NodeID(3), 5.5), (NodeID(0), 0.25), (NodeID(3), 1.0)]
        let b: Spikes = [(NodeID(7), 2.0), (NodeID(1), 2.0)]

        @Test func readsBackWhatWasWritten() throws {
            let dir = scratchFolder()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            for (population, written) in [("A", a), ("B", b)] {
                let path = dir + "/\(population).h5"
                try SpikeFile.write(written, population: population, to: path)
                #expect(try SpikeFile.read(path) == spikes(written, of: population))
            }
        }

        @Test func twoPopulationsOfOneFileComeInNameOrder() throws {
            let dir = scratchFolder()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = dir + "/spikes.h5"
            // write makes a file of one population: the second one is added to it.
            try SpikeFile.write(b, population: "B", to: path)
            do {
                let file = try HDF5File(updating: path)
                try file.write(a.map(\.timeMs), to: "/spikes/A/timestamps")
                try file.write(a.map { Int64($0.node.rawValue) }, to: "/spikes/A/node_ids")
            }
            #expect(try SpikeFile.read(path) == spikes(a, of: "A") + spikes(b, of: "B"))
        }

        @Test func aFileWithoutSpikesOrWithUnequalColumnsIsRefused() throws {
            let dir = scratchFolder()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let noSpikes = dir + "/nodes.h5"
            do { try HDF5File(creating: noSpikes).write([Int64(0)], to: "/nodes/A/node_type_id") }
            let missing = #expect(throws: NDError.self) { try SpikeFile.read(noSpikes) }
            #expect(missing?.kind == .notFound)
            #expect(missing?.file == noSpikes)

            let unequal = dir + "/unequal.h5"
            do {
                let file = try HDF5File(creating: unequal)
                try file.write([1.0, 2.0, 3.0], to: "/spikes/A/timestamps")
                try file.write([Int64(0), 1], to: "/spikes/A/node_ids")
            }
            let inconsistent = #expect(throws: NDError.self) { try SpikeFile.read(unequal) }
            #expect(inconsistent?.kind == .inconsistent)
            #expect(inconsistent?.file == unequal)
        }
    }
}
