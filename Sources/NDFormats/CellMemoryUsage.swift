import NDModel

/// neurodamus's `cell_memory_usage.json`: `metype_memory` (KiB per cell by metype),
/// `metype_cell_syn_average` (synapses per cell by metype), `pop_metype_gids`
/// (population → metype → 0-based node ids). Written with sorted keys and an indent of
/// 4, as neurodamus writes it; older files holding only the metype → KiB map are read too.
public struct CellMemoryUsage: Equatable, Sendable {
    public var metypeMemoryKiB: [String: Double] = [:]
    public var metypeSynapseAverage: [String: Double] = [:]
    /// Raw `Int`s, not `NodeID`s: a bulk column like `CellTable`'s (every cell of the
    /// circuit, up to ten million), scanned straight into these arrays and appended whole
    /// to the table's node-id column (`AllocationProblem`). Its readers and writers all work
    /// on the numbers; `NodeID`s would only add a conversion pass each way.
    public var populationMetypeNodeIDs: [String: [String: [Int]]] = [:]

    public init() {}

    /// Reads the file in one pass without a JSON tree (it holds every node id of the circuit).
    public init(contentsOf path: String) throws {
        // Mapped when it is a file (no copy of 250 MB), read when it is a pipe.
        if let mapped = try MappedFile(path) {
            try read(mapped.bytes, path: path)
        } else {
            let bytes = try FileBytes.read(path)
            try bytes.withUnsafeBufferPointer { try read($0, path: path) }
        }
        try check(path: path)
    }

    /// The whole-file checks, on the parsed values (one pass over the node ids): memories
    /// and synapse means finite and >= 0; node ids >= 0, each at most once per population.
    public func check(path: String) throws {
        for (name, table) in [("metype_memory", metypeMemoryKiB), ("metype_cell_syn_average", metypeSynapseAverage)] {
            for (metype, value) in table where !(value.isFinite && value >= 0) {
                throw NDError(.outOfRange, file: path, "\(name).\(metype): \(value), expected a finite number >= 0")
            }
        }
        for (population, byMetype) in populationMetypeNodeIDs {
            var largest = -1, count = 0
            for (metype, ids) in byMetype {
                count += ids.count
                for id in ids {
                    if id < 0 { throw NDError(.outOfRange, file: path, "pop_metype_gids.\(population).\(metype): node id \(id), expected >= 0") }
                    largest = max(largest, id)
                }
            }
            guard let repeated = Self.firstRepeated(byMetype.values, largest: largest, count: count) else { continue }
            let metypes = byMetype.filter { $0.value.contains(repeated) }.keys.sorted()
            throw NDError(.inconsistent, file: path, "pop_metype_gids.\(population): node id \(repeated) listed twice (under \(metypes.joined(separator: " and ")))")
        }
    }

    /// A node id found twice, in O(n) (`SeenIDs`).
    private static func firstRepeated(_ lists: Dictionary<String, [Int]>.Values, largest: Int, count: Int) -> Int? {
        var seen = SeenIDs(largest: Int64(largest), count: count)
        for ids in lists { for id in ids where !seen.insert(Int64(id)) { return id } }
        return nil
    }

    private mutating func read(_ buffer: UnsafeBufferPointer<UInt8>, path: String) throws {
        var scanner = JSONScanner(buffer, file: path)
        var key: [UInt8] = []
        var flat: [String: Double] = [:]
        var combined = false
        var notANumber: NDError? = nil
        func numbers(_ name: String) throws -> [String: Double] {
            var result: [String: Double] = [:]
            try scanner.beginObject()
            while try scanner.nextKey(&key) {
                let metype = String(decoding: key, as: UTF8.self)
                guard let c = scanner.peek(), c == 0x2D || (c >= 0x30 && c <= 0x39) else {
                    throw scanner.error(.malformed, "\(name).\(metype): expected a number")
                }
                result[metype] = try scanner.double()
            }
            return result
        }
        try scanner.beginObject()
        while try scanner.nextKey(&key) {
            let isObject = scanner.peek() == 0x7B
            if isObject && key.spells("metype_memory") {
                metypeMemoryKiB = try numbers("metype_memory"); combined = true
            } else if isObject && key.spells("metype_cell_syn_average") {
                metypeSynapseAverage = try numbers("metype_cell_syn_average"); combined = true
            } else if isObject && key.spells("pop_metype_gids") {
                try readNodeIDs(&scanner, &key); combined = true
            } else if let c = scanner.peek(), c == 0x2D || (c >= 0x30 && c <= 0x39) {
                flat[String(decoding: key, as: UTF8.self)] = try scanner.double()
            } else {
                // Only an error in the flat form (neurodamus before the combined schema).
                if notANumber == nil { notANumber = scanner.error(.malformed, "\(String(decoding: key, as: UTF8.self)): expected a number") }
                try scanner.skipValue()
            }
        }
        try scanner.expectEnd()
        if !combined {
            if let e = notANumber { throw e }
            metypeMemoryKiB = flat
        }
    }

    private mutating func readNodeIDs(_ scanner: inout JSONScanner, _ key: inout [UInt8]) throws {
        try scanner.beginObject()
        while try scanner.nextKey(&key) {
            let pop = String(decoding: key, as: UTF8.self)
            var byMetype: [String: [Int]] = [:]
            try scanner.beginObject()
            while try scanner.nextKey(&key) {
                let metype = String(decoding: key, as: UTF8.self)
                guard scanner.peek() == 0x5B else { throw scanner.error(.malformed, "pop_metype_gids.\(pop).\(metype): expected a list") }
                var ids: [Int] = []
                try scanner.integers(into: &ids, what: "pop_metype_gids.\(pop).\(metype)")
                byMetype[metype] = ids
            }
            populationMetypeNodeIDs[pop] = byMetype
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
