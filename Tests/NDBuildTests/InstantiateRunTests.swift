import Foundation
import NDBuild
import NDComm
import NDFormats
import NDModel
import Testing

extension BuildSuite {
    /// nd-instantiate's run in a world of one process: every bucket built and reported in
    /// bucket order, files.dat listing cycle 0's entries rank by rank then cycle 1's, and
    /// the checksums and sizes reported those of the files on disk; a failure thrown, with
    /// no dataset left.
    @Suite struct InstantiateRunTests {
        @Test func roundRobinOverThreeRanksAndTwoCycles() throws {
            let circuit = try SynthCircuit(cells: 30, stochastic: false)
            defer { circuit.remove() }
            let output = circuit.folder + "/out"
            var total = -1, advanced = 0, finished = false
            let outcome = try #require(try InstantiateRun(comm: LocalCommunicator()).run(
                simulationConfig: circuit.config, outputPath: output, allocation: nil, ranks: 3, cycles: 2, warn: { _ in },
                progress: { n in total = n; return ({ advanced += 1 }, { finished = true }) }))
            #expect(total == 6 && advanced == 6 && finished)
            #expect(outcome.folder == output + "/coreneuron_input")
            #expect(outcome.grid == BucketGrid(ranks: 3, cycles: 2))
            #expect(outcome.cells == 30)
            #expect(outcome.buckets.map(\.bucket) == Array(0..<6))
            #expect(outcome.buckets.map(\.cells) == [5, 5, 5, 5, 5, 5])
            for b in outcome.buckets {
                #expect(b.rank == outcome.grid.rank(ofBucket: b.bucket) && b.cycle == outcome.grid.cycle(ofBucket: b.bucket))
            }
            // Round-robin: cell i in bucket i mod 6, so a bucket's entry is its first cell's gid.
            let builder = try ModelBuilder(simulationConfig: circuit.config)
            let cells = try builder.simulatedCells()
            #expect(outcome.buckets.map(\.entry) == (0..<6).map { builder.gid(of: cells[$0]).rawValue })

            let filesDat = try FilesDat(contentsOf: outcome.folder + "/files.dat")
            #expect(filesDat.version == "1.8" && filesDat.countField == "6")
            let order = (0..<2).flatMap { c in (0..<3).map { r in outcome.buckets[outcome.grid.index(rank: r, cycle: c)].entry } }
            #expect(filesDat.entries == order.map { String($0) })
            var files: [(name: String, crc: UInt32, size: Int)] = []
            for b in outcome.buckets {
                for (name, crc, size) in [("\(b.entry)_1.dat", b.crc1, b.size1), ("\(b.entry)_2.dat", b.crc2, b.size2)] {
                    let bytes = try FileBytes.read(outcome.folder + "/" + name)
                    #expect(bytes.count == size && crc32Checksum(bytes) == crc, "\(name)")
                    files.append((name, crc, size))
                }
                #expect(b.bytes == b.size1 + b.size2)
            }
            let checksums = try FileBytes.read(outcome.folder + "/" + CoreDataset.checksumFile)
            #expect(String(decoding: checksums, as: UTF8.self) == CoreDataset.checksumText(files))
            for name in ["bbcore_mech.dat", "globals.dat", "sim.conf"] {
                #expect(try !FileBytes.read(outcome.folder + "/" + name).isEmpty, "\(name)")
            }
            #expect(try !FileBytes.read(output + "/populations_offset.dat").isEmpty)
        }

        @Test func oneCycleCountsInNeuronsTenColumns() throws {
            let circuit = try SynthCircuit(cells: 12, stochastic: true)
            defer { circuit.remove() }
            let outcome = try #require(try InstantiateRun(comm: LocalCommunicator()).run(
                simulationConfig: circuit.config, outputPath: circuit.folder + "/out", allocation: nil, ranks: nil, cycles: nil,
                warn: { _ in }, progress: { _ in ({}, {}) }))
            // Default: as many ranks as processes (one), one cycle.
            #expect(outcome.grid == BucketGrid(ranks: 1, cycles: 1))
            #expect(outcome.buckets.count == 1 && outcome.buckets[0].cells == 12)
            let text = String(decoding: try FileBytes.read(outcome.folder + "/files.dat"), as: UTF8.self)
            #expect(text == "1.8\n         1\n\(outcome.buckets[0].entry)\n")
        }

        @Test func aFailureIsThrownAndWritesNoDataset() throws {
            let circuit = try SynthCircuit(cells: 4, stochastic: false)
            defer { circuit.remove() }
            let output = circuit.folder + "/out"
            let error = #expect(throws: NDError.self) {
                try InstantiateRun(comm: LocalCommunicator()).run(
                    simulationConfig: circuit.config, outputPath: output, allocation: circuit.folder + "/absent.jsonl",
                    ranks: nil, cycles: nil, warn: { _ in }, progress: { _ in ({}, {}) })
            }
            #expect(error?.kind == .notFound)
            #expect(error?.file == circuit.folder + "/absent.jsonl")
            #expect(!FileManager.default.fileExists(atPath: output + "/coreneuron_input/files.dat"))
        }
    }
}
