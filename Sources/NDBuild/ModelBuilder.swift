import NDEngine
import NDModel
import NDSonata

/// Builds model groups from a SONATA simulation: the simulated cells, each with its
/// compartments, mechanisms, afferent synapses and connections, and its stimuli.
///
/// Gids are global and numbered as neurodamus numbers them: a population's offset plus
/// the node id, converted in one place (`GidOffsets`).
public final class ModelBuilder {
    public let simulation: SimulationConfig
    public let circuit: Circuit
    /// The population offsets: node ids to gids.
    public private(set) var gids = GidOffsets(largestNodeID: [:])
    /// Each population's offset (populations_offset.dat).
    public var gidOffsets: [String: Int64] { gids.byPopulation }
    /// The first gid above every population's block: no cell has it or any gid past it.
    public var endOfGids: Int64 { gids.end.rawValue }
    /// Node populations of type `virtual` (no cells; sources of edges and replayed spikes).
    public private(set) var virtualPopulations: Set<String> = []
    private var catalogs: [String: ElectricalModelCatalog] = [:]
    private var morphologies: [String: Morphology] = [:]
    private var clamps: [CellRef: [CurrentClamp]] = [:]
    /// Replayed spikes by source gid: times [ms], the input's delay added.
    private var replay: [Gid: [Double]] = [:]
    private let warn: (String) -> Void
    /// How neurodamus makes the synapses of edges with stochastic-release columns.
    private let rules: NeurodamusSynapses

    public init(simulationConfig path: String, warn: @escaping (String) -> Void = { _ in }) throws {
        simulation = try SimulationConfig(path: path)
        circuit = try Circuit(path: simulation.circuitConfigPath)
        rules = NeurodamusSynapses(simulation)
        self.warn = warn
        for input in simulation.unsupportedInputs { warn("input \(input) is not simulated") }
        for edges in circuit.config.edges where edges.type != "chemical" {
            warn("edge population '\(edges.name)' (\(edges.type)) is not simulated: only chemical synapses are")
        }
        // Gid offsets: from the nodes neurodamus registers — every node of a virtual
        // population, the simulated cells and the inputs' targets of the others.
        var largest: [String: NodeID] = [:]
        for name in circuit.nodePopulationNames {
            let population = try circuit.nodes(name)
            guard population.config.type != "vasculature" else { continue }
            largest[name] = NodeID(0)
            if population.config.type == "virtual" {
                virtualPopulations.insert(name)
                largest[name] = NodeID(population.size - 1)
            }
        }
        for cell in try simulatedCells() { largest[cell.population] = max(largest[cell.population] ?? NodeID(0), cell.node) }
        for input in simulation.inputs {
            guard case .currentClamp(let clamp) = input else { continue }
            for (pop, ids) in try select(clamp.nodeSet) {
                for id in ids { clamps[CellRef(population: pop, node: id), default: []].append(clamp) }
                if let top = ids.max(), largest[pop] != nil { largest[pop] = max(largest[pop]!, top) }
            }
        }
        gids = GidOffsets(largestNodeID: largest)
        for input in simulation.inputs {
            switch input {
            case .currentClamp:
                break
            case .spikes(_, let file, _, let delay):
                for spike in try SpikeFile.read(file) {
                    guard let gid = gids.gid(population: spike.population, node: spike.node) else {
                        throw NDError(.notFound, file: file, "spikes of population '\(spike.population)', which the circuit does not have")
                    }
                    let size = try circuit.nodes(spike.population).size
                    guard spike.node.rawValue >= 0 && spike.node.rawValue < size, spike.timeMs.isFinite else {
                        throw NDError(.outOfRange, file: file, "spike of node \(spike.node) of '\(spike.population)' at \(spike.timeMs) ms: expected a node id in 0..<\(size) and a finite time")
                    }
                    replay[gid, default: []].append(spike.timeMs + delay)
                }
            }
        }
    }

    /// Nodes of `nodeSet` (every node when nil).
    private func select(_ nodeSet: String?) throws -> NodeSelection {
        guard let nodeSet else { return try NodeSets.all(in: circuit) }
        guard let file = simulation.nodeSetsFile ?? circuit.config.nodeSetsFile else {
            throw NDError(.notFound, file: simulation.path, "node set '\(nodeSet)' named but no node_sets_file")
        }
        if nodeSets == nil { nodeSets = try NodeSets(path: file, warn: warn) }
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
            for id in selection[name] ?? [] { cells.append(CellRef(population: name, node: id)) }
        }
        return cells
    }

    /// The gid of `cell`, one of the simulated cells (its population has an offset).
    public func gid(of cell: CellRef) -> Gid { gids.gid(cell)! }

    /// Every replayed spike (the inputs' delays added), sorted by time then gid.
    public var replayedSpikes: [(timeMs: Double, gid: Gid)] {
        replay.flatMap { gid, times in times.map { (timeMs: $0, gid: gid) } }.sorted { ($0.timeMs, $0.gid) < ($1.timeMs, $1.gid) }
    }

    /// One group holding `cells`; without `synapses` or `stimuli` the cells alone (what
    /// nd-estimate measures).
    public func build(entry: Int64, cells: [CellRef], synapses: Bool = true, stimuli: Bool = true) throws -> ModelGroup {
        var seconds = PhaseSeconds()
        return try build(entry: entry, cells: cells, synapses: synapses, stimuli: stimuli, seconds: &seconds)
    }

    /// `build`, adding the time spent on the cells, on reading edges and on making
    /// synapses to `seconds` (`cells`, `edges`, `synapses`).
    public func build(entry: Int64, cells: [CellRef], synapses: Bool = true, stimuli: Bool = true,
                      seconds: inout PhaseSeconds) throws -> ModelGroup {
        var watch = PhaseStopwatch()
        var group = ModelGroup(entry: entry)
        var targets: [(mechanism: Int, instance: Int32)] = []
        // Cells go in batches: the batch's edges read (one read per column, EdgeBlocks),
        // its cells built, then their synapses — the stopwatch read three times a batch,
        // not for every cell. (Cells, synapses and stimuli have arrays of their own, each
        // filled in cell order as before.)
        for start in stride(from: 0, to: cells.count, by: Self.edgeBatch) {
            let batch = cells[start..<min(start + Self.edgeBatch, cells.count)]
            var edgeBlocks: [String: EdgeBlocks] = [:]
            if synapses {
                watch.lap(\.cells, of: &seconds)
                edgeBlocks = try prefetchEdges(batch)
                watch.lap(\.edges, of: &seconds)
            }
            var built: [(cell: CellRef, layout: CellBuilder.Layout, morphology: Morphology)] = []
            built.reserveCapacity(batch.count)
            for cell in batch {
                built.append(try buildCell(cell, stimuli: stimuli, to: &group))
            }
            if synapses {
                watch.lap(\.cells, of: &seconds)
                for b in built {
                    try addSynapses(of: b.cell, layout: b.layout, morphology: b.morphology, blocks: edgeBlocks, to: &group, targets: &targets)
                }
                watch.lap(\.synapses, of: &seconds)
            }
        }
        watch.lap(\.cells, of: &seconds)
        // Connections were made to (mechanism, instance) while instances were still being
        // added; now the group's synapse numbering is known.
        let numbering = SynapseNumbering(group)
        group.netCons.target = targets.map { numbering.index(mechanism: $0.mechanism, instance: $0.instance) }
        // Replayed spikes of the sources this group listens to.
        for gid in Set(group.netCons.sourceGid).sorted() {
            for t in replay[Gid(gid)] ?? [] { group.replay.gid.append(gid); group.replay.timeMs.append(t) }
        }
        watch.lap(\.synapses, of: &seconds)
        return group
    }

    /// Appends `cell`'s compartments and mechanisms, and its current clamps when `stimuli`.
    private func buildCell(_ cell: CellRef, stimuli: Bool, to group: inout ModelGroup) throws
        -> (cell: CellRef, layout: CellBuilder.Layout, morphology: Morphology)
    {
        let population = try circuit.nodes(cell.population)
        let columns = try nodeColumns(population)
        let id = cell.node.rawValue
        guard id >= 0 && id < population.size else {
            throw NDError(.outOfRange, file: population.config.nodesFile, "cell \(cell): node id outside the \(population.size) nodes")
        }
        let morphologyName = columns.morphology.values[Int(columns.morphology.codes[id])]
        let key = cell.population + "/" + morphologyName
        if morphologies[key] == nil {
            morphologies[key] = try MorphologyReader.read(try MorphologyReader.path(of: morphologyName, in: population.config))
        }
        let morphology = morphologies[key]!
        let model = try catalog(for: population.config).model(for: columns.template.values[Int(columns.template.codes[id])])
        let layout: CellBuilder.Layout
        do {
            layout = try CellBuilder.append(gid: gid(of: cell), morphology: morphology, model: model,
                                            thresholdMV: simulation.run.spikeThresholdMV, to: &group)
        } catch var error as NDError where error.file == nil {
            // The compartment rule is the model's: name its file.
            error.file = catalog(for: population.config).path(for: model.template)
            error.message = "\(cell) (morphology \(morphologyName)): " + error.message
            throw error
        }
        for clamp in stimuli ? clamps[cell] ?? [] : [] {
            group.iClamp.node.append(layout.somaNode)
            group.iClamp.delayMs.append(clamp.delayMs)
            group.iClamp.durationMs.append(clamp.durationMs)
            group.iClamp.ampStartNA.append(clamp.ampStartNA)
            group.iClamp.ampEndNA.append(clamp.shape == .pulse ? clamp.ampStartNA : clamp.ampEndNA)
            group.iClamp.widthMs.append(clamp.shape == .pulse ? (clamp.widthMs ?? 0) : 0)
            group.iClamp.periodMs.append(clamp.shape == .pulse ? 1000 / max(clamp.frequencyHz ?? 1, 1e-9) : 0)
        }
        return (cell, layout, morphology)
    }

    /// A population's morphology and model_template columns, read once per process (not
    /// once per bucket: a bucket's cells spread over the whole population) and held as
    /// 4-byte codes per node.
    private func nodeColumns(_ population: NodePopulation) throws
        -> (morphology: (codes: [Int32], values: [String]), template: (codes: [Int32], values: [String]))
    {
        if let known = columnCache[population.name] { return known }
        let columns = (morphology: try population.enumerated("morphology"), template: try population.enumerated("model_template"))
        columnCache[population.name] = columns
        return columns
    }
    private var columnCache: [String: (morphology: (codes: [Int32], values: [String]), template: (codes: [Int32], values: [String]))] = [:]

    private func catalog(for population: NodePopulationConfig) -> ElectricalModelCatalog {
        if let c = catalogs[population.name] { return c }
        // Every model is checked once, when the catalog first reads it.
        let c = ElectricalModelCatalog(directory: population.biophysicalModelsDirectory, warn: warn) { model in
            for section in SectionType.allCases {
                for m in model.model(for: section).mechanisms where !MechanismTable.densityNames.contains(m.name) {
                    throw NDError(.unsupported, "model '\(model.template)': mechanism '\(m.name)' is not simulated (supported: \(MechanismTable.densityNames.sorted().joined(separator: ", ")))")
                }
            }
        }
        catalogs[population.name] = c
        return c
    }

    /// Cells whose edges are read together.
    static let edgeBatch = 256

    /// An afferent chemical edge population of a simulated population, with what making
    /// its synapses needs — worked out once per process, not once per cell.
    private struct SynapseSource {
        let edges: EdgePopulation
        /// Added to a source node id for its gid (`GidOffsets.offset(of:)`: the edges' raw column).
        let sourceOffset: Int64
        /// Nodes of the source population (a source id must be one of them).
        let sourceCount: Int
        /// Whether its edges are neurodamus's stochastic synapses (`EdgeBlocks.hasRelease`).
        let release: Bool
        /// The populations' ids in the synapses' random streams.
        let populationIDs: (source: UInt32, target: UInt32)
    }

    /// The afferent synapse populations of node population `population`.
    private func synapseSources(of population: String) throws -> [SynapseSource] {
        if let known = synapseSourceCache[population] { return known }
        let sources = try circuit.afferentSynapses(of: population).map { edges in
            guard let offset = gids.offset(of: edges.sourcePopulation) else {
                throw NDError(.notFound, file: edges.config.edgesFile, "edge population '\(edges.name)': unknown source population '\(edges.sourcePopulation)'")
            }
            guard edges.hasTargetIndex else {
                throw NDError(.notFound, file: edges.config.edgesFile, "edge population '\(edges.name)' has no target index; nd-instantiate needs indices/target_to_source")
            }
            return SynapseSource(edges: edges, sourceOffset: offset, sourceCount: try circuit.nodes(edges.sourcePopulation).size,
                                 release: EdgeBlocks.hasRelease(edges),
                                 populationIDs: (NeurodamusGids.populationID(edges.sourcePopulation), NeurodamusGids.populationID(population)))
        }
        synapseSourceCache[population] = sources
        return sources
    }
    private var synapseSourceCache: [String: [SynapseSource]] = [:]

    /// The afferent edge columns of `cells`, by edge population.
    private func prefetchEdges(_ cells: ArraySlice<CellRef>) throws -> [String: EdgeBlocks] {
        var ranges: [String: (edges: EdgePopulation, ranges: [NodeID: [Range<Int>]])] = [:]
        for cell in cells {
            for source in try synapseSources(of: cell.population) {
                ranges[source.edges.name, default: (source.edges, [:])].ranges[cell.node] = try source.edges.afferentEdgeRanges(of: cell.node.rawValue)
            }
        }
        return try ranges.mapValues { try EdgeBlocks($0.edges, ranges: $0.ranges) }
    }

    /// The mod-file mechanisms the simulated cells' synapses need: neurodamus's two when
    /// an afferent edge population has the stochastic-release columns.
    public func synapseMechanisms() throws -> [any MechanismWithGlobals.Type] {
        for name in circuit.nodePopulationNames {
            for edges in try circuit.afferentSynapses(of: name) where EdgeBlocks.hasRelease(edges) {
                return [ProbAMPANMDA.self, ProbGABAAB.self]
            }
        }
        return []
    }

    /// Every afferent edge becomes a synapse at its section and position, and a connection
    /// from its source gid. In an edge population with stochastic-release columns (u_syn,
    /// depression_time, facilitation_time, n_rrp_vesicles), the synapse neurodamus builds
    /// (`NeurodamusSynapses`). Otherwise the kind `SynapseKind.simple` says: an Exp2Syn
    /// (tau1 = rise_time, tau2 = decay) when the edge rises, else an ExpSyn (tau = decay;
    /// `SynapseKind.decayMs`); weight = syn_weight × conductance [nS] × 1e-3 [µS]; reversal
    /// 0 mV, or -80 mV for inhibitory types (`SynapseKind.isExcitatory`).
    private func addSynapses(of cell: CellRef, layout: CellBuilder.Layout, morphology: Morphology,
                             blocks: [String: EdgeBlocks], to group: inout ModelGroup,
                             targets: inout [(mechanism: Int, instance: Int32)]) throws {
        let targetGid = gid(of: cell)
        for source in try synapseSources(of: cell.population) {
            let edges = source.edges, sourceOffset = source.sourceOffset, sourceCount = source.sourceCount
            let release = source.release, populations = source.populationIDs
            guard let columns = blocks[edges.name] else { continue }
            let block = columns.block
            var synapseID = 0  // the edge's place among this cell's afferent edges of the population
            for range in columns.ranges[cell.node] ?? [] where !range.isEmpty {
                let offset = columns.offset(of: range)
                for k in offset..<(offset + range.count) {
                    defer { synapseID += 1 }
                    let edge = range.lowerBound + (k - offset)
                    // neurodamus places its synapses at the position clamped to [1e-7, 0.9999999]
                    // (target_manager.py): one at 1 goes to the last segment, not the section's end.
                    // (NEURON itself refuses a position outside [0, 1]: so do the simple synapses.)
                    let source = block.sources[k]
                    guard source >= 0 && source < Int64(sourceCount) else {
                        throw NDError(.outOfRange, file: edges.config.edgesFile,
                            "edge \(edge) of '\(edges.name)': source_node_id \(source) outside the \(sourceCount) nodes of population '\(edges.sourcePopulation)'")
                    }
                    guard block.positions[k].isFinite && (release || (0...1).contains(block.positions[k])) else {
                        throw NDError(.outOfRange, file: edges.config.edgesFile,
                            "edge \(edge) of '\(edges.name)': afferent_section_pos \(block.positions[k]), expected a number in [0, 1]")
                    }
                    let position = release ? min(max(block.positions[k], 1e-7), 0.9999999) : block.positions[k]
                    guard let node = layout.node(section: Int(block.sections[k]), position: position) else {
                        throw NDError(.outOfRange, file: edges.config.edgesFile,
                            "edge \(edge) of '\(edges.name)': afferent_section_id \(block.sections[k]) outside the \(morphology.sections.count + 1) sections of \(cell)'s morphology")
                    }
                    let delay = block.delays[k]
                    guard delay > 0 && delay <= SimulationLimits.tstopMs.upperBound else {
                        throw NDError(.outOfRange, file: edges.config.edgesFile, "edge \(edge) of '\(edges.name)': delay \(delay) ms, expected a finite number > 0")
                    }
                    if release {
                        guard block.taus[k] > 0, block.taus[k].isFinite, block.use[k].isFinite, block.depressions[k].isFinite,
                              block.facilitations[k].isFinite, block.conductances[k].isFinite, block.vesicles[k].isFinite,
                              block.vesicles[k] <= 1e6, block.scaleFactors.isEmpty || block.scaleFactors[k].isFinite else {
                            throw NDError(.outOfRange, file: edges.config.edgesFile, "edge \(edge) of '\(edges.name)': decay_time \(block.taus[k]), u_syn \(block.use[k]), depression_time \(block.depressions[k]), facilitation_time \(block.facilitations[k]), conductance \(block.conductances[k]): expected finite values, decay_time > 0")
                        }
                        let target = rules.append(k, of: block, node: node, targetGid: targetGid, synapseID: synapseID,
                                                  populations: populations, to: &group)
                        targets.append((target.kind.rawValue, target.instance))
                        group.netCons.sourceGid.append(sourceOffset + block.sources[k])
                        group.netCons.weightUS.append(block.conductances[k])
                        group.netCons.delayMs.append(rules.delay(delay))
                        continue
                    }
                    let tau = block.taus[k], rise = block.rises[k]
                    guard tau.isFinite, rise.isFinite, block.weights[k].isFinite, block.conductances[k].isFinite else {
                        throw NDError(.outOfRange, file: edges.config.edgesFile, "edge \(edge) of '\(edges.name)': decay_time \(tau), rise_time \(rise), syn_weight \(block.weights[k]), conductance \(block.conductances[k]): expected finite values")
                    }
                    let decay = SynapseKind.decayMs(decayTime: tau)
                    let reversal: Double = SynapseKind.isExcitatory(synTypeID: block.types[k]) ? 0 : -80
                    switch SynapseKind.simple(riseMs: rise, decayMs: decay) {
                    case .exp2Syn:
                        group.exp2Syn.node.append(node)
                        group.exp2Syn.tau1Ms.append(rise)
                        group.exp2Syn.tau2Ms.append(decay)
                        group.exp2Syn.eMV.append(reversal)
                        targets.append((SynapseKind.exp2Syn.rawValue, Int32(group.exp2Syn.node.count - 1)))
                    default:
                        group.expSyn.node.append(node)
                        group.expSyn.tauMs.append(decay)
                        group.expSyn.eMV.append(reversal)
                        targets.append((SynapseKind.expSyn.rawValue, Int32(group.expSyn.node.count - 1)))
                    }
                    group.netCons.sourceGid.append(sourceOffset + block.sources[k])
                    group.netCons.weightUS.append(block.weights[k] * block.conductances[k] * 1e-3)
                    group.netCons.delayMs.append(delay)
                }
            }
        }
    }
}
