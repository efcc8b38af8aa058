#if canImport(Glibc)
import Glibc
#endif
import NDFormats
import NDModel

/// What nd-circuit synth makes.
public struct SynthOptions: Sendable {
    public var cells: Int
    public var populations: Int = 2
    public var seed: UInt64 = 1
    /// Mean afferent synapses per cell over the circuit.
    public var synapsesPerCell: Double = 100
    /// Morphology variants per mtype.
    public var morphologiesPerType: Int = 4
    public var tstopMs: Double = 200
    public var dtMs: Double = 0.025
    /// How node ids follow cell types.
    public var layout: SynthLayout = .random
    /// Edges with the columns of neurodamus's stochastic synapses (u_syn,
    /// depression_time, facilitation_time, n_rrp_vesicles, conductance_scale_factor),
    /// from which nd-instantiate builds ProbAMPANMDA_EMS and ProbGABAAB_EMS; without them
    /// it builds ExpSyn and Exp2Syn. The rest of the circuit is the same either way.
    public var stochasticSynapses = true

    public init(cells: Int) { self.cells = cells }
}

/// How node ids are laid out over the cell types.
public enum SynthLayout: Sendable, Equatable {
    /// Each cell's type drawn by share: every metype spread evenly over the node ids.
    case random
    /// Cells on a grid of columns with `depth` positions each, numbered column by column,
    /// depth fastest, each depth position in the layer its height falls in (L1 on top) and
    /// the type drawn among that layer's types. Node id modulo `depth` is then the layer:
    /// round-robin over a rank count dividing `depth` puts each layer on the same ranks.
    case layered(depth: Int)
}

/// What was written, for the summary line.
public struct SynthSummary: Sendable {
    public var cells: Int
    public var synapses: Int
    public var populations: [String]
    public var morphologies: Int
}

/// Writes a complete SONATA circuit that looks like a cortical one for load balancing:
/// nodes.h5 with enumerated attributes, edges.h5 sorted by target with both indices, SWC
/// morphologies, `nd:` electrical models, node sets, circuit and simulation configs with a
/// current clamp per mtype. The same options give the same bytes.
public struct CircuitSynthesizer {
    public let options: SynthOptions

    public init(_ options: SynthOptions) throws {
        guard options.cells >= 1 else { throw NDError(.usage, "--cells must be at least 1, got \(options.cells)") }
        guard options.populations >= 1, options.populations <= options.cells else {
            throw NDError(.usage, "--populations must be between 1 and the number of cells, got \(options.populations)")
        }
        guard options.synapsesPerCell >= 0 else { throw NDError(.usage, "--synapses-per-cell must be >= 0") }
        self.options = options
    }

    /// Population names: S1, S2, ...
    public var populationNames: [String] { (1...options.populations).map { "S\($0)" } }

    /// One cell of the circuit.
    struct Cell {
        var type: Int
        var morphology: Int  // index into the morphology list
    }

    /// What synth writes into its folder; anything else there is left alone.
    static let outputs = ["nodes.h5", "edges.h5", "morphologies", "models", "node_sets.json", "input_spikes.h5",
                          "simulation_config.json", "circuit_config.json"]

    /// Writes the circuit into `directory` as a whole: first into a staging folder beside
    /// it, then, once complete, in place of the previous circuit — its configs removed
    /// first and put back last, so that a run that fails or is killed leaves the previous
    /// circuit, or none (no circuit_config.json), never a mix of two.
    public func write(to directory: String, progress: (String) -> Void = { _ in }) throws -> SynthSummary {
        let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let slash = trimmed.lastIndex(of: "/")
        let staging = (slash.map { String(trimmed[...$0]) } ?? "") + "." + (slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed)
            + ".synth-staging"
        try removeTree(staging)
        let summary: SynthSummary
        do {
            summary = try writeWhole(to: staging, progress: progress)
        } catch {
            try? removeTree(staging)
            throw error
        }
        try makeDirectories(directory)
        let configs = ["circuit_config.json", "simulation_config.json"]
        for name in configs + Self.outputs.filter({ !configs.contains($0) }) { try removeTree(PathUtil.join(directory, name)) }
        for name in Self.outputs.filter({ !configs.contains($0) }) + configs.reversed() {
            let from = PathUtil.join(staging, name), to = PathUtil.join(directory, name)
            var st = stat()
            guard lstat(from, &st) == 0 else { continue }  // not written (no replayed spikes)
            guard rename(from, to) == 0 else { throw NDError(.system, file: to, "cannot move \(from) into place: \(errnoDescription())") }
        }
        try removeTree(staging)
        return summary
    }

    private func writeWhole(to directory: String, progress: (String) -> Void) throws -> SynthSummary {
        try makeDirectories(directory)
        for sub in ["morphologies", "models"] { try makeDirectories(PathUtil.join(directory, sub)) }
        var rng = SeededRandom(seed: options.seed)
        let types = SynthCellType.table

        // Morphologies: a few variants per type.
        progress("morphologies")
        var morphologies: [(name: String, type: Int, morphology: Morphology)] = []
        for (t, type) in types.enumerated() {
            for k in 0..<options.morphologiesPerType {
                let name = "\(type.mtype)_\(k)"
                var local = SeededRandom(seed: options.seed &* 1_000_003 &+ UInt64(t * 1000 + k))
                let m = SynthMorphology.make(type, rng: &local)
                try AtomicFile.write(Array(SynthMorphology.swc(m, name: name).utf8),
                                     to: PathUtil.join(directory, "morphologies/\(name).swc"))
                morphologies.append((name, t, m))
            }
        }
        try writeModels(directory, types)

        // Cells: types drawn by share, so each metype is spread over the node ids.
        progress("nodes")
        var cumulative: [Double] = []
        var total = 0.0
        for type in types { total += type.fraction; cumulative.append(total) }
        let names = populationNames
        var populations: [[Cell]] = []
        let base = options.cells / options.populations
        let depthTypes = layerTypes(types)
        for p in 0..<options.populations {
            let count = base + (p < options.cells % options.populations ? 1 : 0)
            populations.append((0..<count).map { id in
                let t: Int
                if let candidates = depthTypes?[id % depthTypes!.count] {
                    let u = rng.unit() * candidates.reduce(0) { $0 + types[$1].fraction }
                    var sum = 0.0
                    t = candidates.first { sum += types[$0].fraction; return u < sum } ?? candidates.last!
                } else {
                    let u = rng.unit() * total
                    t = cumulative.firstIndex { u < $0 } ?? types.count - 1
                }
                return Cell(type: t, morphology: t * options.morphologiesPerType + rng.below(options.morphologiesPerType))
            })
        }
        try writeNodes(PathUtil.join(directory, "nodes.h5"), names, populations, morphologies, &rng)

        progress("edges")
        let synapses = try writeEdges(PathUtil.join(directory, "edges.h5"), names, populations, morphologies, &rng)
        try writeConfigs(directory, names, populations, morphologies)
        return SynthSummary(cells: options.cells, synapses: synapses, populations: names, morphologies: morphologies.count)
    }

    /// For the layered layout, the types each depth position draws from: the layer whose
    /// share of the cells (layers stacked L1 first) covers the position's centre.
    private func layerTypes(_ types: [SynthCellType]) -> [[Int]]? {
        guard case .layered(let depth) = options.layout else { return nil }
        var layers: [(name: String, types: [Int], share: Double)] = []
        for (t, type) in types.enumerated() {
            let layer = type.layer
            if let i = layers.firstIndex(where: { $0.name == layer }) {
                layers[i].types.append(t)
                layers[i].share += type.fraction
            } else {
                layers.append((layer, [t], type.fraction))
            }
        }
        layers.sort { $0.name < $1.name }
        let total = layers.reduce(0) { $0 + $1.share }
        return (0..<depth).map { position in
            let centre = (Double(position) + 0.5) / Double(depth) * total
            var top = 0.0
            for layer in layers {
                top += layer.share
                if centre < top { return layer.types }
            }
            return layers.last!.types
        }
    }

    private func writeModels(_ directory: String, _ types: [SynthCellType]) throws {
        var seen: Set<String> = []
        for type in types where seen.insert(type.etype).inserted {
            let hh: JSONObject = ["gnabar": .double(SynthCellType.somaticSodium(type.etype)), "gkbar": 0.036,
                                  "gl": 0.0003, "el": -54.3]
            // Dendrites carry hh at 30% of the somatic densities: with passive dendrites the
            // large cells go into depolarisation block instead of firing repetitively.
            let dendritic: JSONObject = ["gnabar": .double((SynthCellType.somaticSodium(type.etype) * 0.3 * 1e6).rounded() / 1e6),
                                         "gkbar": 0.0108, "gl": 0.00009, "el": -54.3]
            func mechanisms(_ name: String, _ params: JSONObject) -> JSONValue {
                .object(["mechanisms": .object([name: .object(params)])])
            }
            let model: JSONObject = [
                "version": .int(Int64(ElectricalModel.formatVersion)),
                "cm": 1.0, "Ra": 100.0,
                "compartments": .object(["rule": "d_lambda", "d_lambda": 0.1, "frequency": 100.0]),
                "sections": .object([
                    "soma": mechanisms("hh", hh), "axon": mechanisms("hh", hh),
                    "basal": mechanisms("hh", dendritic), "apical": mechanisms("hh", dendritic),
                ]),
            ]
            try AtomicFile.write(Array(try JSONCodec.encodePretty(.object(model)).utf8),
                                 to: PathUtil.join(directory, "models/\(type.etype).json"))
        }
    }

    private func writeNodes(_ path: String, _ names: [String], _ populations: [[Cell]],
                            _ morphologies: [(name: String, type: Int, morphology: Morphology)],
                            _ rng: inout SeededRandom) throws {
        let types = SynthCellType.table
        do {  // in the staging folder, which write(to:) moves into place whole
            let file = try HDF5File(creating: path)
            for (p, cells) in populations.enumerated() {
                let g = "/nodes/\(names[p])"
                try file.write([Int64](repeating: -1, count: cells.count), to: g + "/node_type_id")
                // Enumerated string attributes: uint32 indices into @library tables.
                func enumerated(_ attribute: String, _ values: [String]) throws {
                    let table = Array(Set(values)).sorted()
                    let index = Dictionary(uniqueKeysWithValues: table.enumerated().map { ($1, UInt32($0)) })
                    try file.write(table, to: g + "/0/@library/" + attribute)
                    try file.write(values.map { index[$0]! }, to: g + "/0/" + attribute)
                }
                try enumerated("mtype", cells.map { types[$0.type].mtype })
                try enumerated("etype", cells.map { types[$0.type].etype })
                try enumerated("morphology", cells.map { morphologies[$0.morphology].name })
                try enumerated("model_template", cells.map { "nd:" + types[$0.type].etype })
                try enumerated("model_type", cells.map { _ in "biophysical" })
                try enumerated("synapse_class", cells.map { types[$0.type].excitatory ? "EXC" : "INH" })
                try enumerated("layer", cells.map { types[$0.type].layer })
                var x: [Float] = [], y: [Float] = [], z: [Float] = []
                for _ in cells {
                    x.append(Float(rng.unit() * 1000)); y.append(Float(rng.unit() * 2000)); z.append(Float(rng.unit() * 1000))
                }
                try file.write(x, to: g + "/0/x")
                try file.write(y, to: g + "/0/y")
                try file.write(z, to: g + "/0/z")
                try file.write(cells.map { Float(types[$0.type].somaDiameterUm / 100) }, to: g + "/0/dynamics_params/threshold_current")
                try file.write(cells.map { _ in Float(0) }, to: g + "/0/dynamics_params/holding_current")
            }
            try file.flush()
        }
    }

    /// Edges for every (source, target) population pair, sorted by target then source,
    /// heavy-tailed counts per target (log-normal, scaled by its type).
    private func writeEdges(_ path: String, _ names: [String], _ populations: [[Cell]],
                            _ morphologies: [(name: String, type: Int, morphology: Morphology)],
                            _ rng: inout SeededRandom) throws -> Int {
        let types = SynthCellType.table
        let meanScale = types.reduce(0) { $0 + $1.fraction * $1.synapseScale } / types.reduce(0) { $0 + $1.fraction }
        let totalCells = populations.reduce(0) { $0 + $1.count }
        // exp(σ²/2) corrects the log-normal's mean to its median.
        let sigma = 0.6
        let medianFactor = exp(-sigma * sigma / 2)
        var written = 0
        var release = SeededRandom(seed: options.seed ^ 0x5EED_0F_7E1EA5E)
        do {  // in the staging folder, which write(to:) moves into place whole
            let file = try HDF5File(creating: path)
            for (t, targets) in populations.enumerated() {
                // Synapses per target cell, split over source populations by their size.
                var perTarget: [Int] = targets.map { cell in
                    let mean = options.synapsesPerCell * types[cell.type].synapseScale / meanScale
                    return Int(rng.logNormal(median: mean * medianFactor, sigma: sigma).rounded())
                }
                for (s, sources) in populations.enumerated() {
                    let share = Double(sources.count) / Double(totalCells)
                    var target: [Int64] = [], source: [Int64] = []
                    var sectionID: [Int64] = [], sectionPos: [Float] = [], delay: [Float] = []
                    var weight: [Float] = [], conductance: [Float] = [], decay: [Float] = [], rise: [Float] = [], synType: [Int64] = []
                    var use: [Float] = [], depression: [Float] = [], facilitation: [Float] = [], vesicles: [Int64] = []
                    var scaleFactor: [Float] = []
                    for (tid, cell) in targets.enumerated() {
                        var n = Int((Double(perTarget[tid]) * share).rounded())
                        if s == populations.count - 1 { n = perTarget[tid] }  // the last pair takes the rest
                        perTarget[tid] -= n
                        if n == 0 || (sources.count == 1 && s == t) { continue }
                        let morph = morphologies[cell.morphology].morphology
                        var chosen: [Int64] = []
                        for _ in 0..<n {
                            var src = rng.below(sources.count)
                            if s == t && src == tid { src = (src + 1) % sources.count }
                            chosen.append(Int64(src))
                        }
                        chosen.sort()
                        for src in chosen {
                            let sourceType = types[sources[Int(src)].type]
                            target.append(Int64(tid))
                            source.append(src)
                            // Dendritic sections; the soma (id 0) when there are none.
                            let dendrites = morph.sections.indices.filter { morph.sections[$0].type != .axon }
                            sectionID.append(dendrites.isEmpty ? 0 : Int64(dendrites[rng.below(dendrites.count)] + 1))
                            sectionPos.append(Float(rng.unit()))
                            delay.append(Float(0.5 + 2.5 * rng.unit()))
                            weight.append(Float(0.5 + rng.unit()))
                            // Peak conductance [nS], as SONATA circuits give it.
                            conductance.append(Float(sourceType.excitatory ? 1.0 : 2.0) * Float(0.5 + rng.unit()))
                            decay.append(sourceType.excitatory ? 1.7 : 8.3)
                            // Inhibitory synapses rise and decay (Exp2Syn); excitatory ones only decay (ExpSyn).
                            rise.append(sourceType.excitatory ? 0 : 1.0)
                            synType.append(sourceType.excitatory ? 113 : 13)
                            if options.stochasticSynapses {
                                // Tsodyks-Markram parameters of the kind BBP circuits give
                                // (depressing E->E, facilitation in I), ±20%; drawn from their
                                // own generator so that the rest of the circuit does not change.
                                func spread(_ x: Double) -> Float { Float(x * (0.8 + 0.4 * release.unit())) }
                                use.append(spread(sourceType.excitatory ? 0.5 : 0.25))
                                depression.append(spread(sourceType.excitatory ? 670 : 700))
                                facilitation.append(spread(sourceType.excitatory ? 17 : 20))
                                vesicles.append(sourceType.excitatory ? 2 : 1)
                                scaleFactor.append(sourceType.excitatory ? 0.71 : 0)
                            }
                        }
                    }
                    let g = "/edges/\(names[s])__\(names[t])__chemical"
                    try file.write(source, to: g + "/source_node_id")
                    try file.writeStringAttribute(names[s], named: "node_population", on: g + "/source_node_id")
                    try file.write(target, to: g + "/target_node_id")
                    try file.writeStringAttribute(names[t], named: "node_population", on: g + "/target_node_id")
                    try file.write([Int64](repeating: -1, count: target.count), to: g + "/edge_type_id")
                    try file.write(sectionID, to: g + "/0/afferent_section_id")
                    try file.write(sectionPos, to: g + "/0/afferent_section_pos")
                    try file.write(delay, to: g + "/0/delay")
                    try file.write(weight, to: g + "/0/syn_weight")
                    try file.write(conductance, to: g + "/0/conductance")
                    try file.write(decay, to: g + "/0/decay_time")
                    try file.write(rise, to: g + "/0/rise_time")
                    try file.write(synType, to: g + "/0/syn_type_id")
                    if options.stochasticSynapses {
                        try file.write(use, to: g + "/0/u_syn")
                        try file.write(depression, to: g + "/0/depression_time")
                        try file.write(facilitation, to: g + "/0/facilitation_time")
                        try file.write(vesicles, to: g + "/0/n_rrp_vesicles")
                        try file.write(scaleFactor, to: g + "/0/conductance_scale_factor")
                    }
                    try writeIndex(file, g + "/indices/target_to_source", keys: target, nodeCount: targets.count)
                    try writeIndex(file, g + "/indices/source_to_target", keys: source, nodeCount: sources.count)
                    written += target.count
                }
            }
            try file.flush()
        }
        return written
    }

    /// A SONATA index: per node, a range of rows of `range_to_edge_id`, each row a run of
    /// consecutive edge ids whose key is that node. Nodes without edges get an empty range.
    private func writeIndex(_ file: HDF5File, _ group: String, keys: [Int64], nodeCount: Int) throws {
        // Edge ids grouped by key, in edge order within a key.
        var counts = [Int](repeating: 0, count: nodeCount + 1)
        for k in keys { counts[Int(k) + 1] += 1 }
        for i in 0..<nodeCount { counts[i + 1] += counts[i] }
        var order = [Int](repeating: 0, count: keys.count)
        var fill = counts
        for (edge, k) in keys.enumerated() { order[fill[Int(k)]] = edge; fill[Int(k)] += 1 }
        var nodeRanges = [UInt64](repeating: 0, count: 2 * nodeCount)
        var edgeRanges: [UInt64] = []
        for node in 0..<nodeCount {
            let first = edgeRanges.count / 2
            var i = counts[node]
            while i < counts[node + 1] {
                let start = order[i]
                var end = start + 1
                i += 1
                while i < counts[node + 1] && order[i] == end { end += 1; i += 1 }
                edgeRanges += [UInt64(start), UInt64(end)]
            }
            nodeRanges[2 * node] = UInt64(first)
            nodeRanges[2 * node + 1] = UInt64(edgeRanges.count / 2)
        }
        try file.writeMatrix(nodeRanges, columns: 2, to: group + "/node_id_to_ranges")
        try file.writeMatrix(edgeRanges, columns: 2, to: group + "/range_to_edge_id")
    }

    private func writeConfigs(_ directory: String, _ names: [String], _ populations: [[Cell]],
                              _ morphologies: [(name: String, type: Int, morphology: Morphology)]) throws {
        let types = SynthCellType.table
        var nodePops = JSONObject()
        for name in names { nodePops[name] = .object(["type": "biophysical"]) }
        var edgePops = JSONObject()
        for s in names { for t in names { edgePops["\(s)__\(t)__chemical"] = .object(["type": "chemical"]) } }
        let circuit: JSONObject = [
            "version": 2,
            "manifest": .object(["$BASE_DIR": "."]),
            "components": .object([
                "morphologies_dir": "$BASE_DIR/morphologies",
                "biophysical_neuron_models_dir": "$BASE_DIR/models",
            ]),
            "node_sets_file": "$BASE_DIR/node_sets.json",
            "networks": .object([
                "nodes": .array([.object(["nodes_file": "$BASE_DIR/nodes.h5", "populations": .object(nodePops)])]),
                "edges": .array([.object(["edges_file": "$BASE_DIR/edges.h5", "populations": .object(edgePops)])]),
            ]),
        ]
        try writeJSON(circuit, PathUtil.join(directory, "circuit_config.json"))

        var sets: JSONObject = ["All": .object(["population": .array(names.map { .string($0) })])]
        for name in names { sets[name] = .object(["population": .string(name)]) }
        sets["Excitatory"] = .object(["synapse_class": "EXC"])
        sets["Inhibitory"] = .object(["synapse_class": "INH"])
        var seenTypes: Set<String> = []
        for type in types where seenTypes.insert(type.mtype).inserted { sets[type.mtype] = .object(["mtype": .string(type.mtype)]) }
        try writeJSON(sets, PathUtil.join(directory, "node_sets.json"))

        // One current clamp per mtype, scaled by the membrane area of its morphologies, so
        // that every type is driven above threshold.
        var inputs = JSONObject()
        for type in types where inputs["stim_" + type.mtype] == nil {
            let areas = morphologies.filter { types[$0.type].mtype == type.mtype }.map { membraneAreaUm2($0.morphology) }
            let meanArea = areas.reduce(0, +) / Double(max(areas.count, 1))
            // 0.15 nA per 2,000 µm² of membrane: repetitive firing for every type (checked in
            // NEURON by scripts/check-synth-spikes.py).
            let amp = (0.15 * meanArea / 2000 * 1000).rounded() / 1000
            inputs["stim_" + type.mtype] = .object([
                "input_type": "current_clamp", "module": "linear", "node_set": .string(type.mtype),
                "amp_start": .double(amp), "delay": 5.0, "duration": .double(options.tstopMs - 10),
            ])
        }
        // Spike replay: the first ten cells of the first population fire early, every 2 ms.
        let replayed = (0..<min(10, populations[0].count)).map { (node: NodeID($0), timeMs: 1.0 + 2.0 * Double($0)) }
        try SpikeFile.write(replayed, population: names[0], to: PathUtil.join(directory, "input_spikes.h5"))
        inputs["replay_" + names[0]] = .object([
            "input_type": "spikes", "module": "synapse_replay", "spike_file": "input_spikes.h5",
            "delay": 0.0, "duration": .double(options.tstopMs), "node_set": "All",
        ])
        let simulation: JSONObject = [
            "version": 1,
            "manifest": .object(["$OUTPUT_DIR": "./output"]),
            "network": "circuit_config.json",
            "run": .object(["tstop": .double(options.tstopMs), "dt": .double(options.dtMs), "random_seed": .int(Int64(options.seed))]),
            "conditions": .object(["celsius": 6.3, "v_init": -65.0]),
            "node_set": "All",
            "inputs": .object(inputs),
            "output": .object(["output_dir": "$OUTPUT_DIR", "spikes_file": "out.h5"]),
        ]
        try writeJSON(simulation, PathUtil.join(directory, "simulation_config.json"))
    }

    private func writeJSON(_ object: JSONObject, _ path: String) throws {
        try AtomicFile.write(Array(try JSONCodec.encodePretty(.object(object)).utf8), to: path)
    }
}

/// Lateral membrane area [µm²] of a morphology: soma sphere-equivalent cylinder plus frusta.
func membraneAreaUm2(_ m: Morphology) -> Double {
    let d = m.soma.diameter
    var area = Double.pi * d * d
    for s in m.sections {
        for (a, b) in zip(s.points, s.points.dropFirst()) {
            area += Double.pi * (a.diameter + b.diameter) / 2 * a.distance(to: b)
        }
    }
    return area
}
