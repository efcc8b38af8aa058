import NDFormats
import NDModel

/// Node ids per population, sorted and unique.
public typealias NodeSelection = [String: [NodeID]]

/// A SONATA `node_sets.json`: named sets that select nodes by population, node id and
/// attribute values, and compound sets (a list of names: their union).
public struct NodeSets {
    public let path: String
    private let definitions: JSONObject
    /// Told when a rule names an attribute some populations lack (they are skipped, as
    /// neurodamus skips them with a warning).
    private final class Warned { var messages: Set<String> = [] }
    private let warnOnce: (String) -> Void

    public init(path: String, warn: @escaping (String) -> Void = { _ in }) throws {
        self.path = path
        let warned = Warned()
        warnOnce = { if warned.messages.insert($0).inserted { warn($0) } }
        let bytes = try FileBytes.read(path)
        let value = try bytes.withUnsafeBufferPointer { try JSONCodec.decode($0, file: path) }
        guard let object = value.objectValue else { throw NDError(.malformed, file: path, "expected a JSON object of node sets") }
        definitions = object
    }

    /// Names of the sets, in file order.
    public var names: [String] { definitions.members.map(\.key) }

    /// The nodes of set `name` in `circuit`.
    public func resolve(_ name: String, in circuit: Circuit) throws -> NodeSelection {
        try resolve(name, in: circuit, visiting: [])
    }

    /// Every node of every population of `circuit`.
    public static func all(in circuit: Circuit) throws -> NodeSelection {
        var result: NodeSelection = [:]
        for name in circuit.nodePopulationNames { result[name] = (0..<(try circuit.nodes(name).size)).map(NodeID.init) }
        return result
    }

    private func resolve(_ name: String, in circuit: Circuit, visiting: [String]) throws -> NodeSelection {
        guard let definition = definitions[name] else {
            throw NDError(.notFound, file: path, "no node set '\(name)' (have: \(names.joined(separator: ", ")))")
        }
        guard !visiting.contains(name) else {
            throw NDError(.inconsistent, file: path, "node set '\(name)' refers to itself: \((visiting + [name]).joined(separator: " -> "))")
        }
        switch definition {
        case .array(let parts):
            var union: [String: Set<NodeID>] = [:]
            for part in parts {
                guard let partName = part.stringValue else {
                    throw NDError(.malformed, file: path, "node set '\(name)': a compound set lists names, got \(part.typeName)")
                }
                for (pop, ids) in try resolve(partName, in: circuit, visiting: visiting + [name]) {
                    union[pop, default: []].formUnion(ids)
                }
            }
            return union.mapValues { $0.sorted() }
        case .object(let rules):
            return try basic(name, rules, in: circuit)
        default:
            throw NDError(.malformed, file: path, "node set '\(name)': expected an object or a list of names, got \(definition.typeName)")
        }
    }

    private func basic(_ name: String, _ rules: JSONObject, in circuit: Circuit) throws -> NodeSelection {
        var populations = circuit.nodePopulationNames
        if let value = rules["population"] {
            let wanted = try strings(value, name, "population")
            populations = populations.filter { wanted.contains($0) }
        }
        var result: NodeSelection = [:]
        // An attribute no population has selects nothing anywhere: a misspelt name, an error
        // (libsonata: "No such attribute"). One that some lack: those are skipped, warned,
        // as neurodamus skips a population whose materialize fails.
        for member in rules.members where member.key != "population" && member.key != "node_id" {
            var lacking: [String] = []
            for popName in populations where !(try circuit.nodes(popName).hasAttribute(member.key)) { lacking.append(popName) }
            if lacking.isEmpty { continue }
            if lacking.count == populations.count {
                throw NDError(.notFound, file: path, "node set '\(name)': no node population has the attribute '\(member.key)' (\(populations.joined(separator: ", ")))")
            }
            warnOnce("\(path): node set '\(name)': population\(lacking.count == 1 ? "" : "s") \(lacking.joined(separator: ", ")) without the attribute '\(member.key)' skipped")
        }
        for popName in populations {
            let population = try circuit.nodes(popName)
            var keep = [Bool](repeating: true, count: population.size)
            for member in rules.members where member.key != "population" {
                if member.key == "node_id" {
                    let ids = Set(try integers(member.value, name, "node_id"))
                    for i in keep.indices where !ids.contains(Int64(i)) { keep[i] = false }
                    continue
                }
                guard population.hasAttribute(member.key) else {
                    // A population without the attribute has no node that matches it.
                    keep = keep.map { _ in false }
                    continue
                }
                let wanted = Set(try matchValues(member.value, name, member.key))
                let values = try population.valuesAsText(member.key)
                for i in keep.indices where keep[i] && !wanted.contains(values[i]) && !wanted.contains(numericKey(values[i])) {
                    keep[i] = false
                }
            }
            result[popName] = keep.indices.filter { keep[$0] }.map(NodeID.init)
        }
        return result
    }

    private func strings(_ value: JSONValue, _ set: String, _ key: String) throws -> [String] {
        if let s = value.stringValue { return [s] }
        if let list = value.arrayValue, let all = Optional(list.compactMap(\.stringValue)), all.count == list.count { return all }
        throw NDError(.malformed, file: path, "node set '\(set)': \(key): expected a string or a list of strings")
    }

    private func integers(_ value: JSONValue, _ set: String, _ key: String) throws -> [Int64] {
        if let i = value.intValue { return [i] }
        if let list = value.arrayValue, let all = Optional(list.compactMap(\.intValue)), all.count == list.count { return all }
        throw NDError(.malformed, file: path, "node set '\(set)': \(key): expected an integer or a list of integers")
    }

    /// Values an attribute rule accepts, as text (numbers in a canonical form).
    private func matchValues(_ value: JSONValue, _ set: String, _ key: String) throws -> [String] {
        func text(_ v: JSONValue) throws -> String {
            switch v {
            case .string(let s): return s
            case .int(let i): return String(i)
            case .double(let d): return numericKey(String(d))
            case .bool(let b): return b ? "1" : "0"
            case .object:
                throw NDError(.unsupported, file: path, "node set '\(set)': \(key): queries such as $regex or $gt are not supported; list the values")
            default: throw NDError(.malformed, file: path, "node set '\(set)': \(key): expected a value or a list of values")
            }
        }
        if let list = value.arrayValue { return try list.map(text) }
        return [try text(value)]
    }
}

/// Integral numbers written as integers ("3.0" → "3") so that 3 and 3.0 match.
func numericKey(_ text: String) -> String {
    if let d = Double(text), d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
    return text
}
