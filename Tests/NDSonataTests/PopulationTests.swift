import NDModel
import NDSonata
import Testing

extension SonataSuite {
    @Suite struct PopulationTests {
        let circuit: Circuit

        init() throws { circuit = try Circuit(path: Fixture.usecase + "/circuit_config.json") }

        @Test func plainStringAttributes() throws {
            let a = try circuit.nodes("NodeA")
            #expect(a.size == 3)
            #expect(try a.attributeNames() == ["etype", "layer", "model_template", "morphology", "mtype", "x"])
            #expect(try a.strings("mtype") == ["L4_PC", "L4_MC", "L4_MC"])
            #expect(try a.strings("mtype", rows: 1..<3) == ["L4_MC", "L4_MC"])
            #expect(try a.integers("layer") == [4, 4, 5])
            #expect(try a.doubles("x") == [1.5, 2.5, 3.5])
            #expect(try a.dynamicsParameterNames() == ["holding_current", "threshold_current"])
            #expect(try a.dynamicsParameter("threshold_current").map { Float($0) } == [0.1, 0.2, 0.3])
            #expect(try a.nodeTypeIDs() == [-1, -1, -1])
        }

        @Test func enumeratedAttributesGoThroughTheLibrary() throws {
            let b = try circuit.nodes("NodeB")
            #expect(try b.strings("mtype") == ["L5_PC", "L4_PC"])
            #expect(try b.strings("model_template") == ["nd:simple", "nd:simple"])
            #expect(try b.attributeNames() == ["etype", "model_template", "morphology", "mtype", "x"])
            let missing = #expect(throws: NDError.self) { try b.strings("layer") }
            #expect(missing?.kind == .notFound)
            #expect(missing?.message.contains("'layer'") == true)
        }

        @Test func edgePopulationsKnowTheirEndsAndAttributes() throws {
            let e = try circuit.edges("NodeA__NodeB__chemical")
            #expect(e.size == 4)
            #expect(e.sourcePopulation == "NodeA" && e.targetPopulation == "NodeB")
            #expect(try e.targetIDs() == [0, 1, 1, 1])
            #expect(try e.sourceIDs() == [0, 0, 1, 2])
            #expect(try e.doubles("delay", rows: 1..<3) == [1.25, 1.5])
            #expect(try e.integers("afferent_section_id") == [0, 1, 2, 0])
            #expect(try circuit.afferentEdges(of: "NodeA").map(\.name) == ["NodeA__NodeA__chemical", "NodeB__NodeA__chemical"])
        }

        @Test func afferentCountsFromTheIndexAndWithoutIt() throws {
            let indexed = try circuit.edges("NodeA__NodeA__chemical")
            #expect(indexed.hasTargetIndex)
            #expect(try indexed.afferentCounts(targetCount: 3) == [2, 2, 1])
            #expect(try indexed.afferentEdgeRanges(of: 1) == [2..<4])
            let plain = try circuit.edges("NodeB__NodeA__chemical")
            #expect(!plain.hasTargetIndex)
            #expect(try plain.afferentCounts(targetCount: 3) == [1, 0, 2])
            let unindexed = #expect(throws: NDError.self) { try plain.afferentEdgeRanges(of: 0) }
            #expect(unindexed?.kind == .notFound)
        }

        @Test func truncatedAndCorruptFilesAreErrorsNamingTheFile() throws {
            // corrupt.h5's damage hides the population's group: libhdf5 reports it absent.
            for (name, kind) in [("truncated.h5", NDError.Kind.malformed), ("corrupt.h5", .notFound)] {
                let config = NodePopulationConfig(name: "NodeA", nodesFile: Fixture.path(name), type: "biophysical",
                                                  morphologyDirectories: [:], biophysicalModelsDirectory: nil)
                let error = #expect(throws: NDError.self) {
                    let pop = try NodePopulation(config)
                    _ = try pop.strings("mtype")
                }
                #expect(error?.file == Fixture.path(name))
                #expect(error?.kind == kind, "\(String(describing: error))")
            }
        }
    }
}
