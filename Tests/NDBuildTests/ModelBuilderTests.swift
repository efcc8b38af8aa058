import NDBuild
import NDModel
import NDSonata
import Testing

extension BuildSuite {
    /// A synthesized circuit built into one group, against what its SONATA files say when
    /// read directly: cells and gids, synapses of each kind, connections and their source
    /// gids, current clamps. (Over 256 cells: the builder's edge batches are crossed.)
    @Suite struct ModelBuilderTests {
        /// What the files say about the afferent edges of every simulated cell.
        struct Edges {
            var count = 0
            var sourceGids: [Int64] = []
            var inhibitory = 0
            /// Edges an Exp2Syn is made for (rise_time in (0, decay)), the simple kinds only.
            var exp2 = 0
        }

        func edges(_ builder: ModelBuilder, _ cells: [CellRef]) throws -> Edges {
            var result = Edges()
            let simulated = Dictionary(grouping: cells, by: \.population).mapValues { Set($0.map(\.node.rawValue)) }
            for (population, ids) in simulated {
                for e in try builder.circuit.afferentSynapses(of: population) {
                    let targets = try e.targetIDs(), sources = try e.sourceIDs(), types = try e.integers("syn_type_id")
                    let rises = e.hasAttribute("rise_time") ? try e.doubles("rise_time") : []
                    let decays = e.hasAttribute("decay_time") ? try e.doubles("decay_time") : []
                    for k in targets.indices where ids.contains(Int(targets[k])) {
                        result.count += 1
                        result.sourceGids.append(builder.gidOffsets[e.sourcePopulation]! + sources[k])
                        if types[k] < 100 { result.inhibitory += 1 }
                        if !rises.isEmpty {
                            let decay = decays.isEmpty || decays[k] <= 0 ? 2 : decays[k]
                            if rises[k] > 0 && rises[k] < decay { result.exp2 += 1 }
                        }
                    }
                }
            }
            return result
        }

        /// Current clamps on the simulated cells: one per clamp input and cell of its node set.
        func clamps(_ builder: ModelBuilder, _ cells: [CellRef]) throws -> Int {
            let simulated = Set(cells)
            let sets = try NodeSets(path: builder.simulation.nodeSetsFile ?? builder.circuit.config.nodeSetsFile!)
            var count = 0
            for input in builder.simulation.inputs {
                guard case .currentClamp(let clamp) = input else { continue }
                let selected = try clamp.nodeSet.map { try sets.resolve($0, in: builder.circuit) } ?? NodeSets.all(in: builder.circuit)
                for (population, ids) in selected { count += ids.filter { simulated.contains(CellRef(population: population, node: $0)) }.count }
            }
            return count
        }

        @Test func simpleSynapsesConnectionsAndClampsAsTheFilesSay() throws {
            let circuit = try SynthCircuit(cells: 300, stochastic: false)
            defer { circuit.remove() }
            let builder = try ModelBuilder(simulationConfig: circuit.config)
            let cells = try builder.simulatedCells()
            #expect(cells.count == 300)
            let group = try builder.build(entry: 5, cells: cells)
            let expected = try edges(builder, cells)
            #expect(group.entry == 5)
            #expect(group.cells.gid == cells.map { builder.gid(of: $0).rawValue })
            #expect(expected.count > 1000)
            #expect(group.synapseCount == expected.count)
            #expect(group.exp2Syn.node.count == expected.exp2)
            #expect(group.expSyn.node.count == expected.count - expected.exp2)
            #expect(group.probAMPANMDA.count == 0 && group.probGABAAB.node.isEmpty)
            // Inhibitory synapses reverse at -80 mV, the others at 0.
            #expect((group.expSyn.eMV + group.exp2Syn.eMV).filter { $0 == -80 }.count == expected.inhibitory)
            #expect(group.netCons.sourceGid.count == expected.count)
            #expect(group.netCons.target.count == expected.count)
            #expect(group.netCons.sourceGid.sorted() == expected.sourceGids.sorted())
            #expect(group.iClamp.node.count == (try clamps(builder, cells)))
            #expect(group.iClamp.node.count > 0)
            // Every clamp is at a soma.
            #expect(Set(group.iClamp.node).isSubset(of: Set(group.cells.somaNode)))
        }

        @Test func stochasticSynapsesByTypeAsTheFilesSay() throws {
            let circuit = try SynthCircuit(cells: 300, stochastic: true)
            defer { circuit.remove() }
            let builder = try ModelBuilder(simulationConfig: circuit.config)
            let cells = try builder.simulatedCells()
            let group = try builder.build(entry: 0, cells: cells)
            let expected = try edges(builder, cells)
            #expect(group.synapseCount == expected.count)
            #expect(group.probGABAAB.node.count == expected.inhibitory)
            #expect(group.probAMPANMDA.count == expected.count - expected.inhibitory)
            #expect(group.expSyn.node.isEmpty && group.exp2Syn.node.isEmpty)
            #expect(group.netCons.sourceGid.sorted() == expected.sourceGids.sorted())
            // Replayed spikes only of sources this group listens to.
            #expect(Set(group.replay.gid).isSubset(of: Set(group.netCons.sourceGid)))
        }

        @Test func cellsAloneHaveTheCompartmentsOfTheWholeBuildAndNothingElse() throws {
            let circuit = try SynthCircuit(cells: 40, stochastic: false)
            defer { circuit.remove() }
            let builder = try ModelBuilder(simulationConfig: circuit.config)
            let cells = try builder.simulatedCells()
            let whole = try builder.build(entry: 0, cells: cells)
            let bare = try builder.build(entry: 0, cells: cells, synapses: false, stimuli: false)
            #expect(bare.nodes == whole.nodes)
            #expect(bare.synapseCount == 0 && bare.netCons.sourceGid.isEmpty && bare.iClamp.node.isEmpty)
            // A group's cells are the cells built one by one, one after the other.
            let compartments = try cells.map { try builder.build(entry: 0, cells: [$0], synapses: false, stimuli: false).nodes.compartmentCount }
            #expect(whole.nodes.compartmentCount == compartments.reduce(0, +))
            // Split in two groups, the synapses and clamps add up to the whole.
            let half = cells.count / 2
            let a = try builder.build(entry: 0, cells: Array(cells[..<half])), b = try builder.build(entry: 1, cells: Array(cells[half...]))
            #expect(a.synapseCount + b.synapseCount == whole.synapseCount)
            #expect(a.iClamp.node.count + b.iClamp.node.count == whole.iClamp.node.count)
            #expect(a.netCons.sourceGid + b.netCons.sourceGid == whole.netCons.sourceGid)
        }
    }
}
