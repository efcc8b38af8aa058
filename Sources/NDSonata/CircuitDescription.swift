import NDModel

/// What is in a circuit: populations, cells per metype with their morphology sizes and
/// afferent synapses, and edge populations — what a user looks at first.
public struct CircuitDescription {
    public struct Population {
        public var name: String
        public var type: String
        public var nodesFile: String
        public var cells: Int
        public var attributes: [String]
    }

    public struct Metype {
        public var population: String
        public var metype: String
        public var cells: Int
        /// Distinct morphologies of its cells.
        public var morphologies: Int
        /// Means over its cells' morphologies (nil when morphologies were not read).
        public var meanSections: Double?
        public var meanPoints: Double?
        public var meanNeuriteLengthUm: Double?
        public var meanAfferentSynapses: Double
        public var maxAfferentSynapses: Int
    }

    public struct Edges {
        public var name: String
        public var type: String
        public var edgesFile: String
        public var source: String
        public var target: String
        public var edges: Int
        public var hasTargetIndex: Bool
    }

    /// One cell, for `--cells`.
    public struct Cell {
        public var population: String
        public var node: NodeID
        public var metype: String
        public var morphology: String?
        public var modelTemplate: String?
        public var afferentSynapses: Int
    }

    public var populations: [Population] = []
    public var metypes: [Metype] = []
    public var edges: [Edges] = []
    public var cells: [Cell] = []

    /// Describes `circuit`; `readMorphologies` opens every distinct morphology once,
    /// `listCells` keeps the per-cell rows.
    public init(_ circuit: Circuit, readMorphologies: Bool = true, listCells: Bool = false) throws {
        for entry in circuit.config.edges {
            let e = try circuit.edges(entry.name)
            edges.append(Edges(name: e.name, type: entry.type, edgesFile: entry.edgesFile, source: e.sourcePopulation,
                               target: e.targetPopulation, edges: e.size, hasTargetIndex: e.hasTargetIndex))
        }
        var morphologyCache: [String: Morphology] = [:]
        for name in circuit.nodePopulationNames {
            let pop = try circuit.nodes(name)
            populations.append(Population(name: name, type: pop.config.type, nodesFile: pop.config.nodesFile,
                                          cells: pop.size, attributes: try pop.attributeNames()))
            let metypeOfCell = try Self.metypes(of: pop)
            let morphology = pop.hasAttribute("morphology") ? try pop.strings("morphology") : nil
            let template = pop.hasAttribute("model_template") ? try pop.strings("model_template") : nil
            var afferent = [Int](repeating: 0, count: pop.size)
            for e in try circuit.afferentSynapses(of: name) {
                for (i, n) in try e.afferentCounts(targetCount: pop.size).enumerated() { afferent[i] += n }
            }
            var groups: [String: [Int]] = [:]
            for (i, m) in metypeOfCell.enumerated() { groups[m, default: []].append(i) }
            for metype in groups.keys.sorted() {
                let ids = groups[metype]!
                var row = Metype(population: name, metype: metype, cells: ids.count, morphologies: 0,
                                 meanAfferentSynapses: Double(ids.reduce(0) { $0 + afferent[$1] }) / Double(ids.count),
                                 maxAfferentSynapses: ids.map { afferent[$0] }.max() ?? 0)
                if let morphology {
                    row.morphologies = Set(ids.map { morphology[$0] }).count
                    if readMorphologies && pop.config.type == "biophysical" {
                        var sections = 0.0, points = 0.0, length = 0.0
                        for i in ids {
                            let key = morphology[i]
                            if morphologyCache[name + "/" + key] == nil {
                                let path = try MorphologyReader.path(of: key, in: pop.config)
                                morphologyCache[name + "/" + key] = try MorphologyReader.read(path)
                            }
                            let m = morphologyCache[name + "/" + key]!
                            sections += Double(m.sections.count + 1)
                            points += Double(m.pointCount)
                            length += m.neuriteLength
                        }
                        let n = Double(ids.count)
                        row.meanSections = sections / n
                        row.meanPoints = points / n
                        row.meanNeuriteLengthUm = length / n
                    }
                }
                metypes.append(row)
            }
            if listCells {
                for i in 0..<pop.size {
                    cells.append(Cell(population: name, node: NodeID(i), metype: metypeOfCell[i], morphology: morphology?[i],
                                      modelTemplate: template?[i], afferentSynapses: afferent[i]))
                }
            }
        }
    }

    /// `MTYPE-ETYPE` per cell (neurodamus's metype names); the model template, or the
    /// population's type, when there is no mtype and etype.
    public static func metypes(of pop: NodePopulation) throws -> [String] {
        if pop.hasAttribute("mtype") && pop.hasAttribute("etype") {
            return zip(try pop.strings("mtype"), try pop.strings("etype")).map { $0 + "-" + $1 }
        }
        if pop.hasAttribute("model_template") { return try pop.strings("model_template") }
        return [String](repeating: pop.config.type, count: pop.size)
    }
}
