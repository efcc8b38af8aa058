import NDFormats
import NDModel
import NDSonata
import Testing

extension SonataSuite {
    /// The description and morphology records nd-circuit prints, built here.
    @Suite struct CircuitDescriptionOutputTests {
        @Test func theDescriptionReadsAsTablesAndAsOneObject() throws {
            let config = Fixture.usecase + "/circuit_config.json"
            let d = try CircuitDescription(try Circuit(path: try CircuitConfig.path(namedBy: config)), listCells: true)
            let text = d.text(config: config)
            #expect(text.hasPrefix("circuit \(config)\n\nnode population "))
            for p in d.populations { #expect(text.contains("node population \(p.name) (")) }
            #expect(text.contains("edge population ") == !d.edges.isEmpty)
            let json = d.json(config: config)
            #expect(json["config"] == .string(config))
            #expect(json["populations"]?.arrayValue?.count == d.populations.count)
            #expect(json["edges"]?.arrayValue?.count == d.edges.count)
            let cell = try #require(d.cells.first)
            #expect(cell.record["node_id"] == .int(Int64(cell.node.rawValue)) && cell.record["population"] == .string(cell.population))
        }

        @Test func aSimulationConfigNamesItsCircuit() throws {
            #expect(try CircuitConfig.path(namedBy: Fixture.usecase + "/simulation_config.json").hasSuffix("circuit_config.json"))
        }

        @Test func aMorphologyRecordCountsSectionsPointsAndTypes() throws {
            let file = Fixture.usecase + "/CircuitA/morphologies/swc/cellA.swc"
            let m = try MorphologyReader.read(file)
            let short = m.record(file: file, sections: false)
            #expect(short["sections"] == .int(5) && short["soma_points"] == .int(1) && short["section_types"] == nil)
            #expect(short["sections_by_type"]?.objectValue?["basal"] == .int(4))
            let long = m.record(file: file, sections: true)
            #expect(long["section_parents"] == .array([.int(-1), .int(0), .int(0), .int(-1), .int(-1)]))
        }

        @Test func synthLayoutsAreNamedAsTheCommandLineNamesThem() {
            #expect(SynthLayout(text: "random") == .random)
            #expect(SynthLayout(text: "layered:8") == .layered(depth: 8))
            #expect(SynthLayout(text: "layered:0") == nil && SynthLayout(text: "rows") == nil)
        }
    }
}
