import NDModel

/// A SONATA spike file (HDF5): `/spikes/<population>/timestamps` [ms] and `node_ids`.
public enum SpikeFile {
    /// A spike as the file holds it: a node of a population, at a time [ms].
    public struct Spike: Equatable, Sendable {
        public var population: String
        public var node: NodeID
        public var timeMs: Double

        public init(population: String, node: NodeID, timeMs: Double) {
            self.population = population; self.node = node; self.timeMs = timeMs
        }
    }

    /// Every spike, in file order per population (populations sorted).
    public static func read(_ path: String) throws -> [Spike] {
        let file = try HDF5File(reading: path)
        guard file.isGroup("/spikes") else { throw NDError(.notFound, file: path, "no /spikes group (not a SONATA spike file)") }
        var result: [Spike] = []
        for population in try file.members(of: "/spikes") where file.isGroup("/spikes/" + population) {
            let times = try file.readDoubles("/spikes/\(population)/timestamps")
            let ids = try file.readInt64("/spikes/\(population)/node_ids")
            guard times.count == ids.count else {
                throw NDError(.inconsistent, file: path, "/spikes/\(population): \(times.count) timestamps for \(ids.count) node_ids")
            }
            for (t, id) in zip(times, ids) { result.append(Spike(population: population, node: NodeID(Int(id)), timeMs: t)) }
        }
        return result
    }

    /// Writes spikes of one population (for tests and examples).
    public static func write(_ spikes: [(node: NodeID, timeMs: Double)], population: String, to path: String) throws {
        let file = try HDF5File(creating: path)
        try file.write(spikes.map(\.timeMs), to: "/spikes/\(population)/timestamps")
        try file.write(spikes.map { Int64($0.node.rawValue) }, to: "/spikes/\(population)/node_ids")
        try file.flush()
    }
}
