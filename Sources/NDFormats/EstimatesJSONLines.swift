import NDModel

/// The estimates JSON-lines (nd-estimate → nd-allocate), version 1: see `CellEstimate`.
public enum EstimatesJSONLines {
    public static let formatVersion = 1

    /// KiB values are written with 0.1 KiB resolution.
    static func round(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    public static func record(_ e: CellEstimate) -> JSONObject {
        [
            "population": .string(e.population), "gid": .int(Int64(e.nodeID)), "metype": .string(e.metype),
            "cell_kb": .double(round(e.cellKiB)),
            "synapses": e.synapses.rounded() == e.synapses ? .int(Int64(e.synapses)) : .double(round(e.synapses)),
            "synapse_kb": .double(round(e.synapseKiB)), "total_kb": .double(round(e.totalKiB)),
        ]
    }

    /// Reads every record of `path` (`-` for stdin).
    public static func read(_ path: String) throws -> [CellEstimate] {
        let reader = try JSONLinesReader(path: path)
        var result: [CellEstimate] = []
        while let (line, value) = try reader.nextRecord() {
            guard let o = value.objectValue else { throw NDError(file: path, line: line, "expected a JSON object per cell") }
            func number(_ key: String) throws -> Double {
                guard let x = o[key]?.doubleValue, x >= 0 else { throw NDError(file: path, line: line, "\"\(key)\": expected a number >= 0") }
                return x
            }
            guard let population = o["population"]?.stringValue, let metype = o["metype"]?.stringValue else {
                throw NDError(file: path, line: line, "\"population\" and \"metype\": expected strings")
            }
            guard let gid = o["gid"]?.intValue, gid >= 0 else { throw NDError(file: path, line: line, "\"gid\": expected an integer >= 0") }
            result.append(CellEstimate(population: population, nodeID: Int(gid), metype: metype, cellKiB: try number("cell_kb"),
                                       synapses: try number("synapses"), synapseKiB: try number("synapse_kb")))
        }
        return result
    }
}
