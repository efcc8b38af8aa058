import NDFormats
import NDModel

/// The population offsets: the one place where a population's node id (`NodeID`) becomes a
/// gid (`Gid`), numbered as neurodamus numbers them (`NeurodamusGids`).
public struct GidOffsets: Equatable, Sendable {
    /// Each population's offset.
    public let byPopulation: [String: Int64]
    /// The first gid above every population's block: no cell has it or any gid past it.
    public let end: Gid

    /// The offsets of the populations given with their largest registered node id.
    public init(largestNodeID: [String: NodeID]) {
        byPopulation = NeurodamusGids.offsets(largestNodeID: largestNodeID)
        end = Gid(NeurodamusGids.end(offsets: byPopulation, largestNodeID: largestNodeID))
    }

    /// The gid of node `node` of `population`; nil for a population with no offset.
    public func gid(population: String, node: NodeID) -> Gid? {
        byPopulation[population].map { Gid($0 + Int64(node.rawValue)) }
    }

    /// The gid of `cell`; nil when its population has no offset.
    public func gid(_ cell: CellRef) -> Gid? { gid(population: cell.population, node: cell.node) }

    /// What a loop over a raw column of `population`'s node ids adds to each for its gid
    /// (a connection's sources: the same sum as `gid(population:node:)`, without a lookup
    /// per edge).
    public func offset(of population: String) -> Int64? { byPopulation[population] }
}

/// Gids as neurodamus 4.2.9 numbers them (core/nodeset.py): a cell's gid is its node id
/// plus its population's offset; populations in name order, the first at 0, each next one
/// at the first multiple of 1000 above the previous offset plus the previous population's
/// largest registered node id (virtual populations register every node; others their
/// simulated cells and the nodes their inputs target; none registered counts as 0).
public enum NeurodamusGids {
    /// Offsets of the populations given with their largest registered node id.
    public static func offsets(largestNodeID: [String: NodeID]) -> [String: Int64] {
        var result: [String: Int64] = [:]
        var previous: (offset: Int64, largest: Int64)? = nil
        for name in largestNodeID.keys.sorted() {
            let offset = previous.map { (($0.offset + $0.largest) / 1000 + 1) * 1000 } ?? 0
            result[name] = offset
            previous = (offset, Int64(max(0, largestNodeID[name]!.rawValue)))
        }
        return result
    }

    /// The first gid block above every population (for gids that must be no cell's).
    public static func end(offsets: [String: Int64], largestNodeID: [String: NodeID]) -> Int64 {
        guard let last = offsets.max(by: { $0.value < $1.value }) else { return 0 }
        return ((last.value + Int64(max(0, largestNodeID[last.key]?.rawValue ?? 0))) / 1000 + 1) * 1000
    }

    /// The 12-bit id neurodamus gives a node population in its synapses' Random123 stream
    /// ids, from the MD5 of its name: (byte 1 & 0x0F) << 8 + byte 0.
    public static func populationID(_ name: String) -> UInt32 {
        let d = MD5.digest(Array(name.utf8))
        return UInt32(d[1] & 0x0F) << 8 + UInt32(d[0])
    }

    /// `populations_offset.dat` as neurodamus writes it: `population::offset::alias` lines,
    /// the simulated populations first (alias: the name), then the virtual ones (alias:
    /// `virtual`), each group by name.
    public static func populationsOffsetText(offsets: [String: Int64], virtual: Set<String>) -> String {
        let names = offsets.keys.sorted()
        return names.filter { !virtual.contains($0) }.map { "\($0)::\(offsets[$0]!)::\($0)\n" }.joined()
            + names.filter { virtual.contains($0) }.map { "\($0)::\(offsets[$0]!)::virtual\n" }.joined()
    }
}
