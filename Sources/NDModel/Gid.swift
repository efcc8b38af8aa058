/// A node's id within its population: SONATA's 0-based `node_id`, as estimates,
/// allocations, pickles and spike files hold it. Not a gid (`Gid`): the two meet only in
/// `GidOffsets`.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: NodeID, b: NodeID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// A cell's global id, as the engine, the dataset, the connections' sources and out.dat
/// number cells: its population's offset plus its node id (`GidOffsets`, the one place
/// that converts).
public struct Gid: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: Gid, b: Gid) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}
