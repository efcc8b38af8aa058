import NDModel

/// neurodamus's `cell_memory_usage.json`: `metype_memory` (KiB per cell by metype),
/// `metype_cell_syn_average` (synapses per cell by metype), `pop_metype_gids`
/// (population → metype → 0-based node ids). Written with sorted keys and an indent of
/// 4, as neurodamus writes it; older files holding only the metype → KiB map are read too.
public struct CellMemoryUsage: Equatable, Sendable {
    public var metypeMemoryKiB: [String: Double] = [:]
    public var metypeSynapseAverage: [String: Double] = [:]
    public var populationMetypeNodeIDs: [String: [String: [Int]]] = [:]

    public init() {}

    public init(contentsOf path: String) throws {
        let value = try FileBytes.read(path).withUnsafeBufferPointer { try JSONCodec.decode($0, file: path) }
        guard let root = value.objectValue else { throw NDError(file: path, "expected a JSON object") }
        func numbers(_ o: JSONObject, _ key: String) throws -> [String: Double] {
            var result: [String: Double] = [:]
            for m in o.members {
                guard let x = m.value.doubleValue else { throw NDError(file: path, "\(key).\(m.key): expected a number") }
                result[m.key] = x
            }
            return result
        }
        guard root["metype_memory"] != nil else {
            metypeMemoryKiB = try numbers(root, "")  // neurodamus before the combined schema
            return
        }
        metypeMemoryKiB = try numbers(root["metype_memory"]?.objectValue ?? [:], "metype_memory")
        metypeSynapseAverage = try numbers(root["metype_cell_syn_average"]?.objectValue ?? [:], "metype_cell_syn_average")
        for pop in (root["pop_metype_gids"]?.objectValue ?? [:]).members {
            var byMetype: [String: [Int]] = [:]
            for m in (pop.value.objectValue ?? [:]).members {
                guard let list = m.value.arrayValue else { throw NDError(file: path, "pop_metype_gids.\(pop.key).\(m.key): expected a list") }
                byMetype[m.key] = try list.map {
                    guard let id = $0.intValue else { throw NDError(file: path, "pop_metype_gids.\(pop.key).\(m.key): expected integers") }
                    return Int(id)
                }
            }
            populationMetypeNodeIDs[pop.key] = byMetype
        }
    }

    public func encoded() throws -> [UInt8] {
        func map(_ d: [String: Double]) -> JSONValue {
            .object(JSONObject(d.keys.sorted().map { (key: $0, value: .double(d[$0]!)) }))
        }
        var pops = JSONObject()
        for pop in populationMetypeNodeIDs.keys.sorted() {
            let byMetype = populationMetypeNodeIDs[pop]!
            pops[pop] = .object(JSONObject(byMetype.keys.sorted().map { (key: $0, value: .array(byMetype[$0]!.map { .int(Int64($0)) })) }))
        }
        let root: JSONObject = [
            "metype_cell_syn_average": map(metypeSynapseAverage), "metype_memory": map(metypeMemoryKiB),
            "pop_metype_gids": .object(pops),
        ]
        return Array(try JSONCodec.encodePretty(.object(root), indent: 4, sortKeys: true).utf8)
    }
}
