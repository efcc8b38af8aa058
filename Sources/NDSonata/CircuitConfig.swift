import NDFormats
import NDModel

/// Morphology file formats a population can name folders for.
public enum MorphologyFormat: String, CaseIterable, Sendable {
    case swc, asc, h5

    /// The file extension.
    public var fileExtension: String { rawValue }
}

/// One node population as the circuit config describes it, components resolved.
public struct NodePopulationConfig: Equatable, Sendable {
    public var name: String
    /// `nodes.h5` holding it.
    public var nodesFile: String
    /// `biophysical`, `virtual`, `point_neuron`, ... (default `biophysical`).
    public var type: String
    /// Morphology folders by format: `morphologies_dir` is SWC; `alternate_morphologies`
    /// adds `h5v1` (HDF5) and `neurolucida-asc` (ASC).
    public var morphologyDirectories: [MorphologyFormat: String]
    /// Where `model_template` files live.
    public var biophysicalModelsDirectory: String?

    public init(name: String, nodesFile: String, type: String, morphologyDirectories: [MorphologyFormat: String],
                biophysicalModelsDirectory: String?) {
        self.name = name
        self.nodesFile = nodesFile
        self.type = type
        self.morphologyDirectories = morphologyDirectories
        self.biophysicalModelsDirectory = biophysicalModelsDirectory
    }
}

/// One edge population as the circuit config describes it.
public struct EdgePopulationConfig: Equatable, Sendable {
    public var name: String
    public var edgesFile: String
    /// `chemical`, `electrical` (gap junctions), ... (default `chemical`).
    public var type: String
}

/// A SONATA `circuit_config.json`.
public struct CircuitConfig: Sendable {
    /// The circuit config a path names: itself when it has `networks`, else the network of
    /// the simulation config it is.
    public static func path(namedBy config: String) throws -> String {
        let value = try FileBytes.read(config).withUnsafeBufferPointer { try JSONCodec.decode($0, file: config) }
        if value.objectValue?["networks"] != nil { return config }
        return try SimulationConfig(path: config).circuitConfigPath
    }

    public let path: String
    public var nodeSetsFile: String?
    public var nodes: [NodePopulationConfig]
    public var edges: [EdgePopulationConfig]

    public init(path: String) throws {
        let file = try ConfigFile(path: path)
        self.path = path
        let root = file.root
        let components = try file.object(root, "components", at: "") ?? [:]
        nodeSetsFile = try file.pathValue(root, "node_sets_file", at: "")
        let networks = try file.object(root, "networks", at: "") ?? [:]

        var nodes: [NodePopulationConfig] = []
        for (i, entry) in (try file.array(networks, "nodes", at: "networks") ?? []).enumerated() {
            let where_ = "networks.nodes[\(i)]"
            guard let group = entry.objectValue else { throw file.typeError("networks.nodes", "[\(i)]", "an object", entry) }
            let nodesFile = try file.require(try file.pathValue(group, "nodes_file", at: where_), where_, "nodes_file")
            let groupComponents = try Self.merged(components, group, file: file)
            for member in (try file.object(group, "populations", at: where_) ?? [:]).members {
                let popWhere = where_ + ".populations." + member.key
                guard let pop = member.value.objectValue else {
                    throw file.typeError(where_ + ".populations", member.key, "an object", member.value)
                }
                let settings = try Self.merged(groupComponents, pop, file: file)
                nodes.append(NodePopulationConfig(
                    name: member.key, nodesFile: nodesFile,
                    type: try file.string(pop, "type", at: popWhere) ?? "biophysical",
                    morphologyDirectories: try Self.morphologyDirectories(settings, file: file, at: popWhere),
                    biophysicalModelsDirectory: try file.pathValue(settings, "biophysical_neuron_models_dir", at: popWhere)))
            }
        }
        var edges: [EdgePopulationConfig] = []
        for (i, entry) in (try file.array(networks, "edges", at: "networks") ?? []).enumerated() {
            let where_ = "networks.edges[\(i)]"
            guard let group = entry.objectValue else { throw file.typeError("networks.edges", "[\(i)]", "an object", entry) }
            let edgesFile = try file.require(try file.pathValue(group, "edges_file", at: where_), where_, "edges_file")
            for member in (try file.object(group, "populations", at: where_) ?? [:]).members {
                let pop = member.value.objectValue ?? [:]
                edges.append(EdgePopulationConfig(
                    name: member.key, edgesFile: edgesFile,
                    type: try file.string(pop, "type", at: where_ + ".populations." + member.key) ?? "chemical"))
            }
        }
        self.nodes = nodes
        self.edges = edges
    }

    /// Component settings with `overrides`' component keys on top (network entry, then population).
    private static func merged(_ base: JSONObject, _ overrides: JSONObject, file: ConfigFile) throws -> JSONObject {
        var result = base
        for key in ["morphologies_dir", "biophysical_neuron_models_dir", "alternate_morphologies"] {
            if let value = overrides[key] { result[key] = value }
        }
        return result
    }

    private static func morphologyDirectories(_ settings: JSONObject, file: ConfigFile, at where_: String) throws -> [MorphologyFormat: String] {
        var result: [MorphologyFormat: String] = [:]
        if let swc = try file.pathValue(settings, "morphologies_dir", at: where_), !swc.isEmpty { result[.swc] = swc }
        if let alternates = try file.object(settings, "alternate_morphologies", at: where_) {
            let alt = where_ + ".alternate_morphologies"
            if let h5 = try file.pathValue(alternates, "h5v1", at: alt) { result[.h5] = h5 }
            if let asc = try file.pathValue(alternates, "neurolucida-asc", at: alt) { result[.asc] = asc }
        }
        return result
    }

    /// The node population called `name`.
    public func nodePopulation(_ name: String) throws -> NodePopulationConfig {
        guard let pop = nodes.first(where: { $0.name == name }) else {
            throw NDError(.notFound, file: path, "no node population '\(name)' (have: \(nodes.map(\.name).joined(separator: ", ")))")
        }
        return pop
    }
}
