import NDBuild
import NDModel
import NDSonata
import Testing

extension BuildSuite {
    /// EdgeBlocks against the edge file read row range by row range: the ranges joined into
    /// spans, where each range lands in the columns, and every column's values.
    @Suite struct EdgeBlocksTests {
        func firstEdges(_ circuit: SynthCircuit) throws -> EdgePopulation {
            let simulation = try SimulationConfig(path: circuit.config)
            let c = try Circuit(path: simulation.circuitConfigPath)
            return try #require(try c.afferentSynapses(of: c.nodePopulationNames[0]).first)
        }

        @Test func rangesCloseTogetherAreJoinedAndFarOnesAreNot() throws {
            let circuit = try SynthCircuit(cells: 80, populations: 1, stochastic: false)
            defer { circuit.remove() }
            let edges = try firstEdges(circuit)
            #expect(edges.size >= 700)
            // 10..<20 and 25..<30 are 5 rows apart (≤ 64): one span. 200 is 170 past 30: a
            // new span. 300..<600 is 90 past 210 but has 300 rows (a gap up to the range's
            // own size is read): joined. 690 is 90 past 600, 5 rows: a new span.
            let blocks = try EdgeBlocks(edges, ranges: [NodeID(0): [10..<20, 25..<30], NodeID(1): [200..<210], NodeID(2): [], NodeID(3): [300..<600], NodeID(4): [690..<695]])
            #expect(blocks.spans.map(\.rows) == [10..<30, 200..<600, 690..<695])
            #expect(blocks.spans.map(\.offset) == [0, 20, 420])
            #expect(blocks.offset(of: 10..<20) == 0)
            #expect(blocks.offset(of: 25..<30) == 15)
            #expect(blocks.offset(of: 200..<210) == 20)
            #expect(blocks.offset(of: 300..<600) == 120)
            #expect(blocks.offset(of: 690..<695) == 420)
            // Every row of the spans is read, those between joined ranges too.
            #expect(blocks.block.sources.count == 425)
            #expect(blocks.block.sources == (try edges.sourceIDs(rows: 10..<30)) + (try edges.sourceIDs(rows: 200..<600)) + (try edges.sourceIDs(rows: 690..<695)))
        }

        @Test func noRangesReadNothing() throws {
            let circuit = try SynthCircuit(cells: 20, stochastic: false)
            defer { circuit.remove() }
            let blocks = try EdgeBlocks(try firstEdges(circuit), ranges: [NodeID(0): [], NodeID(7): []])
            #expect(blocks.spans.isEmpty)
            #expect(blocks.block.sources.isEmpty && blocks.block.delays.isEmpty && blocks.block.taus.isEmpty)
        }

        /// Every column at every range's offset equals the rows read on their own.
        func expectColumnsAsRowByRow(stochastic: Bool) throws {
            let circuit = try SynthCircuit(cells: 120, stochastic: stochastic)
            defer { circuit.remove() }
            let simulation = try SimulationConfig(path: circuit.config)
            let c = try Circuit(path: simulation.circuitConfigPath)
            var checked = 0
            for population in c.nodePopulationNames {
                for edges in try c.afferentSynapses(of: population) {
                    #expect(EdgeBlocks.hasRelease(edges) == stochastic)
                    // Every third target node: ranges with gaps between them, some joined.
                    var ranges: [NodeID: [Range<Int>]] = [:]
                    for id in stride(from: 1, to: try c.nodes(population).size, by: 3) { ranges[NodeID(id)] = try edges.afferentEdgeRanges(of: id) }
                    let blocks = try EdgeBlocks(edges, ranges: ranges)
                    // Spans sorted, apart by more than the join gap, packed one after the other.
                    for (a, b) in zip(blocks.spans, blocks.spans.dropFirst()) {
                        #expect(b.rows.lowerBound > a.rows.upperBound + EdgeBlocks.joinGap)
                        #expect(b.offset == a.offset + a.rows.count)
                    }
                    let rows = blocks.spans.reduce(0) { $0 + $1.rows.count }
                    let b = blocks.block
                    #expect(b.sources.count == rows && b.delays.count == rows && b.conductances.count == rows)
                    func doubles(_ name: String, _ r: Range<Int>, _ absent: Double) throws -> [Double] {
                        edges.hasAttribute(name) ? try edges.doubles(name, rows: r) : [Double](repeating: absent, count: r.count)
                    }
                    func integers(_ name: String, _ r: Range<Int>, _ absent: Int64) throws -> [Int64] {
                        edges.hasAttribute(name) ? try edges.integers(name, rows: r) : [Int64](repeating: absent, count: r.count)
                    }
                    for r in ranges.values.joined() where !r.isEmpty {
                        let o = blocks.offset(of: r), at = o..<(o + r.count)
                        #expect(Array(b.sources[at]) == (try edges.sourceIDs(rows: r)))
                        #expect(Array(b.sections[at]) == (try integers("afferent_section_id", r, 0)))
                        #expect(Array(b.types[at]) == (try integers("syn_type_id", r, 100)))
                        #expect(Array(b.positions[at]) == (try doubles("afferent_section_pos", r, 0.5)))
                        #expect(Array(b.delays[at]) == (try edges.doubles("delay", rows: r)))
                        #expect(Array(b.conductances[at]) == (try doubles("conductance", r, 1)))
                        #expect(Array(b.taus[at]) == (try doubles("decay_time", r, 2)))
                        if stochastic {
                            #expect(b.weights.isEmpty && b.rises.isEmpty)
                            #expect(Array(b.use[at]) == (try edges.doubles("u_syn", rows: r)))
                            #expect(Array(b.depressions[at]) == (try edges.doubles("depression_time", rows: r)))
                            #expect(Array(b.facilitations[at]) == (try edges.doubles("facilitation_time", rows: r)))
                            #expect(Array(b.vesicles[at]) == (try doubles("n_rrp_vesicles", r, 1)))
                            #expect(Array(b.scaleFactors[at]) == (try doubles("conductance_scale_factor", r, -1)))
                        } else {
                            #expect(b.use.isEmpty && b.scaleFactors.isEmpty)
                            #expect(Array(b.weights[at]) == (try doubles("syn_weight", r, 1)))
                            #expect(Array(b.rises[at]) == (try doubles("rise_time", r, 0)))
                        }
                        checked += r.count
                    }
                }
            }
            #expect(checked > 300)
        }

        @Test func simpleSynapseColumnsEqualTheRowsReadOneRangeAtATime() throws { try expectColumnsAsRowByRow(stochastic: false) }
        @Test func stochasticSynapseColumnsEqualTheRowsReadOneRangeAtATime() throws { try expectColumnsAsRowByRow(stochastic: true) }
    }
}
