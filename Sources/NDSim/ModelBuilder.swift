import NDModel
import NDSonata

/// Builds model groups from a SONATA simulation: the simulated cells, each with its
/// compartments, mechanisms, afferent synapses and connections, and its stimuli.
///
/// Gids are global: a population's offset (the sizes of the populations before it, in
/// circuit order, virtual ones included) plus the node id.
public final class ModelBuilder {
    public let simulation: SimulationConfig
    public let circuit: Circuit
    public private(set) var gidOffsets: [String: Int64] = [:]
    public private(set) var totalNodes: Int64 = 0
    private var catalogs: [String: ElectricalModelCatalog] = [:]
    private var morphologies: [String: Morphology] = [:]
    private var clamps: [CellRef: [CurrentClamp]] = [:]
    /// Replayed spikes by source gid: times [ms], the input's delay added.
    private var replay: [Int64: [Double]] = [:]
    private let warn: (String) -> Void

    public init(simulationConfig path: String, warn: @escaping (String) -> Void = { _ in }) throws {
        simulation = try SimulationConfig(path: path)
        circuit = try Circuit(path: simulation.circuitConfigPath)
        self.warn = warn
        for name in circuit.nodePopulationNames {
            gidOffsets[name] = totalNodes
            totalNodes += Int64(try circuit.nodes(name).size)
        }
        for input in simulation.unsupportedInputs { warn("input \(input) is not simulated") }
        for input in simulation.inputs {
            switch input {
            case .currentClamp(let clamp):
                for (pop, ids) in try select(clamp.nodeSet) { for id in ids { clamps[CellRef(population: pop, nodeID: id), default: []].append(clamp) } }
            case .spikes(_, let file, _, let delay):
                for spike in try SpikeFile.read(file) {
                    guard let offset = gidOffsets[spike.population] else {
                        throw NDError(file: file, "spikes of population '\(spike.population)', which the circuit does not have")
                    }
                    replay[offset + Int64(spike.nodeID), default: []].append(spike.timeMs + delay)
                }
            }
        }
    }

    /// Nodes of `nodeSet` (every node when nil).
    private func select(_ nodeSet: String?) throws -> NodeSelection {
        guard let nodeSet else { return try NodeSets.all(in: circuit) }
        guard let file = simulation.nodeSetsFile ?? circuit.config.nodeSetsFile else {
            throw NDError(file: simulation.path, "node set '\(nodeSet)' named but no node_sets_file")
        }
        if nodeSets == nil { nodeSets = try NodeSets(path: file) }
        return try nodeSets!.resolve(nodeSet, in: circuit)
    }
    /// The node sets file, read once for every input and the simulated set.
    private var nodeSets: NodeSets?

    /// The simulated cells: the node set's nodes of biophysical populations, population by
    /// population in circuit order, node ids ascending.
    public func simulatedCells() throws -> [CellRef] {
        let selection = try select(simulation.nodeSet)
        var cells: [CellRef] = []
        for name in circuit.nodePopulationNames where try circuit.nodes(name).config.type == "biophysical" {
            for id in selection[name] ?? [] { cells.append(CellRef(population: name, nodeID: id)) }
        }
        return cells
    }

    public func gid(_ cell: CellRef) -> Int64 { gidOffsets[cell.population]! + Int64(cell.nodeID) }

    /// One group holding `cells`; without `synapses` or `stimuli` the cells alone (what
    /// nd-estimate measures).
    public func build(entry: Int64, cells: [CellRef], synapses: Bool = true, stimuli: Bool = true) throws -> ModelGroup {
        var group = ModelGroup(entry: entry)
        // Per population: the attribute columns once.
        var columns: [String: (morphology: [String], template: [String])] = [:]
        for cell in cells {
            let population = try circuit.nodes(cell.population)
            if columns[cell.population] == nil {
                columns[cell.population] = (try population.strings("morphology"), try population.strings("model_template"))
            }
            guard cell.nodeID >= 0 && cell.nodeID < population.size else {
                throw NDError(file: population.config.nodesFile, "cell \(cell): node id outside the \(population.size) nodes")
            }
            let morphologyName = columns[cell.population]!.morphology[cell.nodeID]
            let key = cell.population + "/" + morphologyName
            if morphologies[key] == nil {
                morphologies[key] = try MorphologyReader.read(try MorphologyReader.path(of: morphologyName, in: population.config))
            }
            let morphology = morphologies[key]!
            let model = try catalog(for: population.config).model(for: columns[cell.population]!.template[cell.nodeID])
            let layout = CellBuilder.append(gid: gid(cell), morphology: morphology, model: model,
                                            thresholdMV: simulation.run.spikeThresholdMV, to: &group)
            if synapses { try addSynapses(of: cell, layout: layout, morphology: morphology, to: &group) }
            for clamp in stimuli ? clamps[cell] ?? [] : [] {
                group.iClamp.node.append(layout.somaNode)
                group.iClamp.delayMs.append(clamp.delayMs)
                group.iClamp.durationMs.append(clamp.durationMs)
                group.iClamp.ampStartNA.append(clamp.ampStartNA)
                group.iClamp.ampEndNA.append(clamp.shape == .pulse ? clamp.ampStartNA : clamp.ampEndNA)
                group.iClamp.widthMs.append(clamp.shape == .pulse ? (clamp.widthMs ?? 0) : 0)
                group.iClamp.periodMs.append(clamp.shape == .pulse ? 1000 / max(clamp.frequencyHz ?? 1, 1e-9) : 0)
            }
        }
        // Exp2Syn targets were numbered -1, -2, ... while ExpSyns were still being added.
        let expCount = Int32(group.expSyn.node.count)
        for k in group.netCons.target.indices where group.netCons.target[k] < 0 {
            group.netCons.target[k] = expCount + (-group.netCons.target[k] - 1)
        }
        // Replayed spikes of the sources this group listens to.
        for gid in Set(group.netCons.sourceGid).sorted() {
            for t in replay[gid] ?? [] { group.replay.gid.append(gid); group.replay.timeMs.append(t) }
        }
        return group
    }

    private func catalog(for population: NodePopulationConfig) -> ElectricalModelCatalog {
        if let c = catalogs[population.name] { return c }
        // Every model is checked once, when the catalog first reads it.
        let c = ElectricalModelCatalog(directory: population.biophysicalModelsDirectory, warn: warn) { model in
            for section in SectionType.allCases {
                for m in model.model(for: section).mechanisms where !Mechanisms.supported.contains(m.name) {
                    throw NDError("model '\(model.template)': mechanism '\(m.name)' is not simulated (supported: \(Mechanisms.supported.sorted().joined(separator: ", ")))")
                }
            }
        }
        catalogs[population.name] = c
        return c
    }

    /// Every afferent edge becomes a synapse at its section and position, and a connection
    /// from its source gid: an Exp2Syn (tau1 = rise_time, tau2 = decay_time) when the edge
    /// has a rise_time > 0, else an ExpSyn (tau = decay_time, 2 ms when absent); weight =
    /// syn_weight × conductance [nS] × 1e-3 [µS]; reversal 0 mV, or -80 mV for inhibitory
    /// types (`syn_type_id` < 100, as in BBP circuits).
    private func addSynapses(of cell: CellRef, layout: CellBuilder.Layout, morphology: Morphology,
                             to group: inout ModelGroup) throws {
        for edges in try circuit.afferentEdges(of: cell.population) {
            let ranges: [Range<Int>]
            if edges.hasTargetIndex {
                ranges = try edges.afferentEdgeRanges(of: cell.nodeID)
            } else {
                throw NDError(file: edges.config.edgesFile, "edge population '\(edges.name)' has no target index; nd-instantiate needs indices/target_to_source")
            }
            guard let sourceOffset = gidOffsets[edges.sourcePopulation] else {
                throw NDError(file: edges.config.edgesFile, "edge population '\(edges.name)': unknown source population '\(edges.sourcePopulation)'")
            }
            for range in ranges where !range.isEmpty {
                let sources = try edges.sourceIDs(rows: range)
                let sections = edges.hasAttribute("afferent_section_id") ? try edges.integers("afferent_section_id", rows: range) : [Int64](repeating: 0, count: range.count)
                let positions = edges.hasAttribute("afferent_section_pos") ? try edges.doubles("afferent_section_pos", rows: range) : [Double](repeating: 0.5, count: range.count)
                let delays = try edges.doubles("delay", rows: range)
                let weights = edges.hasAttribute("syn_weight") ? try edges.doubles("syn_weight", rows: range) : [Double](repeating: 1, count: range.count)
                let conductances = edges.hasAttribute("conductance") ? try edges.doubles("conductance", rows: range) : [Double](repeating: 1, count: range.count)
                let taus = edges.hasAttribute("decay_time") ? try edges.doubles("decay_time", rows: range) : [Double](repeating: 2, count: range.count)
                let types = edges.hasAttribute("syn_type_id") ? try edges.integers("syn_type_id", rows: range) : [Int64](repeating: 100, count: range.count)
                let rises = edges.hasAttribute("rise_time") ? try edges.doubles("rise_time", rows: range) : [Double](repeating: 0, count: range.count)
                for k in 0..<range.count {
                    guard let node = layout.node(section: Int(sections[k]), position: positions[k]) else {
                        throw NDError(file: edges.config.edgesFile,
                            "edge \(range.lowerBound + k) of '\(edges.name)': afferent_section_id \(sections[k]) outside the \(morphology.sections.count + 1) sections of \(cell)'s morphology")
                    }
                    guard delays[k] > 0 else {
                        throw NDError(file: edges.config.edgesFile, "edge \(range.lowerBound + k) of '\(edges.name)': delay \(delays[k]) ms, expected > 0")
                    }
                    let decay = taus[k] > 0 ? taus[k] : 2
                    let reversal: Double = types[k] < 100 ? -80 : 0
                    if rises[k] > 0 && rises[k] < decay {
                        group.exp2Syn.node.append(node)
                        group.exp2Syn.tau1Ms.append(rises[k])
                        group.exp2Syn.tau2Ms.append(decay)
                        group.exp2Syn.eMV.append(reversal)
                        group.netCons.target.append(-Int32(group.exp2Syn.node.count))
                    } else {
                        group.expSyn.node.append(node)
                        group.expSyn.tauMs.append(decay)
                        group.expSyn.eMV.append(reversal)
                        group.netCons.target.append(Int32(group.expSyn.node.count - 1))
                    }
                    group.netCons.sourceGid.append(sourceOffset + sources[k])
                    group.netCons.weightUS.append(weights[k] * conductances[k] * 1e-3)
                    group.netCons.delayMs.append(delays[k])
                }
            }
        }
    }
}
