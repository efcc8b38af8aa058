import NDModel
import NDSonata
import Testing

extension SonataSuite {
    @Suite struct NodeSetsTests {
        let circuit: Circuit
        let sets: NodeSets

        /// Node ids, as a selection holds them.
        func ids(_ raw: Int...) -> [NodeID] { raw.map(NodeID.init) }

        init() throws {
            circuit = try Circuit(path: Fixture.usecase + "/circuit_config.json")
            sets = try NodeSets(path: Fixture.usecase + "/node_sets.json")
        }

        @Test func byPopulation() throws {
            #expect(try sets.resolve("nodesPopA", in: circuit) == ["NodeA": ids(0, 1, 2)])
            #expect(try sets.resolve("Mosaic", in: circuit) == ["NodeA": ids(0, 1, 2), "NodeB": ids(0, 1)])
        }

        @Test func byAttributeAcrossPopulationsAndEnumerations() throws {
            // NodeA stores mtype as strings, NodeB through @library.
            #expect(try sets.resolve("l4pc", in: circuit) == ["NodeA": ids(0), "NodeB": ids(1)])
            // layer exists in NodeA only, as an integer column.
            #expect(try sets.resolve("layer5", in: circuit) == ["NodeA": ids(2), "NodeB": []])
        }

        @Test func byNodeIDAndCompound() throws {
            #expect(try sets.resolve("someA", in: circuit) == ["NodeA": ids(0, 2)])
            #expect(try sets.resolve("l4mc", in: circuit) == ["NodeA": ids(1), "NodeB": []])
            #expect(try sets.resolve("mc_or_l5", in: circuit) == ["NodeA": ids(1, 2), "NodeB": []])
        }

        @Test func populationsWithoutTheAttributeAreSkippedWithOneWarning() throws {
            final class Messages: @unchecked Sendable { var all: [String] = [] }
            let messages = Messages()
            let warned = try NodeSets(path: Fixture.usecase + "/node_sets.json") { messages.all.append($0) }
            // layer exists in NodeA only: NodeB's nodes are skipped, not dropped silently.
            #expect(try warned.resolve("layer5", in: circuit) == ["NodeA": ids(2), "NodeB": []])
            _ = try warned.resolve("layer5", in: circuit)
            #expect(messages.all.count == 1)
            #expect(messages.all.first?.contains("NodeB") == true)
            #expect(messages.all.first?.contains("'layer'") == true)
            #expect(messages.all.first?.contains("node set 'layer5'") == true)
        }

        @Test func cyclesAndUnknownNamesAreErrors() throws {
            let cycle = #expect(throws: NDError.self) { try sets.resolve("loop1", in: circuit) }
            #expect(cycle?.kind == .inconsistent)
            #expect(cycle?.message.contains("loop1 -> loop2 -> loop1") == true)
            let unknown = #expect(throws: NDError.self) { try sets.resolve("nope", in: circuit) }
            #expect(unknown?.kind == .notFound)
        }
    }
}
