import NDModel

/// A circuit: its config and its populations, opened on first use.
public final class Circuit {
    public let config: CircuitConfig
    private var nodeCache: [String: NodePopulation] = [:]
    private var edgeCache: [String: EdgePopulation] = [:]

    public init(config: CircuitConfig) { self.config = config }

    public convenience init(path: String) throws { self.init(config: try CircuitConfig(path: path)) }

    /// Names of the node populations, in config order.
    public var nodePopulationNames: [String] { config.nodes.map(\.name) }

    /// The node population called `name`.
    public func nodes(_ name: String) throws -> NodePopulation {
        if let cached = nodeCache[name] { return cached }
        let population = try NodePopulation(try config.nodePopulation(name))
        nodeCache[name] = population
        return population
    }

    /// The edge population called `name`.
    public func edges(_ name: String) throws -> EdgePopulation {
        if let cached = edgeCache[name] { return cached }
        guard let entry = config.edges.first(where: { $0.name == name }) else {
            throw NDError(.notFound, file: config.path, "no edge population '\(name)'")
        }
        let population = try EdgePopulation(entry)
        edgeCache[name] = population
        return population
    }

    /// Edge populations whose targets are in node population `target`, in config order.
    public func afferentEdges(of target: String) throws -> [EdgePopulation] {
        try config.edges.map { try edges($0.name) }.filter { $0.targetPopulation == target }
    }

    /// The edge populations whose edges are synapses (type `chemical`) targeting `target`;
    /// gap junctions (`electrical`) and other types are not simulated.
    public func afferentSynapses(of target: String) throws -> [EdgePopulation] {
        try afferentEdges(of: target).filter { $0.config.type == "chemical" }
    }
}
