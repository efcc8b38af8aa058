import NDModel

/// A SONATA spike file (HDF5): `/spikes/<population>/timestamps` [ms] and `node_ids`.
public enum SpikeFile {
    /// Every spike: population, node id, time [ms], in file order per population (populations sorted).
    public static func read(_ path: String) throws -> [(population: String, nodeID: Int, timeMs: Double)] {
        let file = try HDF5File(reading: path)
        guard file.isGroup("/spikes") else { throw NDError(.notFound, file: path, "no /spikes group (not a SONATA spike file)") }
        var result: [(String, Int, Double)] = []
        for population in try file.members(of: "/spikes") where file.isGroup("/spikes/" + population) {
            let times = try file.readDoubles("/spikes/\(population)/timestamps")
            let ids = try file.readInt64("/spikes/\(population)/node_ids")
            guard times.count == ids.count else {
                throw NDError(.inconsistent, file: path, "/spikes/\(population): \(times.count) timestamps for \(ids.count) node_ids")
            }
            for (t, id) in zip(times, ids) { result.append((population, Int(id), t)) }
        }
        return result
    }

    /// Writes spikes of one population (for tests and examples).
    public static func write(_ spikes: [(nodeID: Int, timeMs: Double)], population: String, to path: String) throws {
        let file = try HDF5File(creating: path)
        try file.write(spikes.map(\.timeMs), to: "/spikes/\(population)/timestamps")
        try file.write(spikes.map { Int64($0.nodeID) }, to: "/spikes/\(population)/node_ids")
        try file.flush()
    }
}
