import Foundation
import NDModel
import NDSonata
import Testing

extension SonataSuite {
    @Suite struct SynthTests {
        func synth(_ cells: Int, seed: UInt64 = 7, populations: Int = 2) throws -> String {
            let dir = scratchFolder()
            var options = SynthOptions(cells: cells)
            options.seed = seed
            options.populations = populations
            options.synapsesPerCell = 40
            _ = try CircuitSynthesizer(options).write(to: dir)
            return dir
        }

        @Test func theSameSeedGivesTheSameBytes() throws {
            let a = try synth(120), b = try synth(120)
            defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
            for file in ["nodes.h5", "edges.h5", "circuit_config.json", "simulation_config.json", "node_sets.json",
                         "models/cADpyr.json", "morphologies/L5_TPC_0.swc"] {
                #expect(FileManager.default.contents(atPath: a + "/" + file) == FileManager.default.contents(atPath: b + "/" + file), "\(file)")
            }
            let c = try synth(120, seed: 8)
            defer { try? FileManager.default.removeItem(atPath: c) }
            #expect(FileManager.default.contents(atPath: a + "/edges.h5") != FileManager.default.contents(atPath: c + "/edges.h5"))
        }

        @Test func whatItWritesReadsBackAsARealisticCircuit() throws {
            let dir = try synth(400, populations: 3)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let sim = try SimulationConfig(path: dir + "/simulation_config.json")
            let circuit = try Circuit(path: sim.circuitConfigPath)
            #expect(circuit.nodePopulationNames == ["S1", "S2", "S3"])
            var sizes: [Int] = []
            var morphologySizes: [String: Int] = [:]
            var perCell: [Int] = []
            for name in circuit.nodePopulationNames {
                let pop = try circuit.nodes(name)
                sizes.append(pop.size)
                let mtypes = try pop.strings("mtype")
                #expect(Set(mtypes).count >= 6)
                // Cells of one mtype are spread over the node ids, not in one block.
                let first = mtypes[0]
                #expect(mtypes.indices.filter { mtypes[$0] == first }.count < pop.size / 2)
                for (i, morph) in try pop.strings("morphology").enumerated() where morphologySizes[morph] == nil {
                    let m = try MorphologyReader.read(try MorphologyReader.path(of: morph, in: pop.config))
                    morphologySizes[morph] = m.sections.count
                    _ = i
                }
                var counts = [Int](repeating: 0, count: pop.size)
                for e in try circuit.afferentEdges(of: name) {
                    #expect(e.hasTargetIndex)
                    let fromIndex = try e.afferentCounts(targetCount: pop.size)
                    // The index agrees with the edge table itself.
                    var direct = [Int](repeating: 0, count: pop.size)
                    for t in try e.targetIDs() { direct[Int(t)] += 1 }
                    #expect(fromIndex == direct)
                    for (i, n) in fromIndex.enumerated() { counts[i] += n }
                    // Section ids exist on the target's morphology.
                    #expect(try e.integers("afferent_section_id").allSatisfy { $0 >= 0 })
                }
                perCell += counts
                let templates = Set(try pop.strings("model_template"))
                let catalog = ElectricalModelCatalog(directory: pop.config.biophysicalModelsDirectory)
                for t in templates { #expect(try catalog.model(for: t).template == t) }
                #expect(catalog.defaulted.isEmpty)
            }
            #expect(sizes == [134, 133, 133])
            let smallest = morphologySizes.values.min()!, largest = morphologySizes.values.max()!
            #expect(largest >= 8 * smallest)  // about ten-fold
            let sorted = perCell.sorted()
            let median = sorted[sorted.count / 2]
            #expect(sorted.last! >= 4 * median)  // heavy-tailed
            let sets = try NodeSets(path: circuit.config.nodeSetsFile!)
            #expect(try sets.resolve("All", in: circuit).values.map(\.count).reduce(0, +) == 400)
            #expect(sim.inputs.count == 9)
        }
    }
}
