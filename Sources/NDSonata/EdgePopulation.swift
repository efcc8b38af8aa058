import NDModel

/// An edge population of a SONATA `edges.h5`: source and target ids, attribute columns,
/// and the `indices/target_to_source` index that finds or counts a target's edges without
/// reading the edge table.
public final class EdgePopulation {
    public let config: EdgePopulationConfig
    public var name: String { config.name }
    let file: HDF5File
    let base: String
    /// Number of edges.
    public let size: Int
    /// Node population of the sources (`source_node_id`'s `node_population`).
    public let sourcePopulation: String
    /// Node population of the targets.
    public let targetPopulation: String
    private let attributes: AttributeGroup

    /// Rows read at a time when a whole column is streamed.
    public static let chunkRows = 1 << 20

    /// HDF5's data sieve buffer for edge files: a bucket's edges are short ranges spread
    /// over the population (10 rows every 2,560 for 1,000,000 cells of 10 edges in 256
    /// buckets), and with the default 64 KiB each range would fetch the 64 KiB after it
    /// — every row of the population, for every bucket.
    public static let sieveBufferBytes = 4096

    public init(_ config: EdgePopulationConfig) throws {
        self.config = config
        file = try HDF5File(reading: config.edgesFile, sieveBufferBytes: Self.sieveBufferBytes)
        base = "/edges/" + config.name
        guard file.isGroup(base) else {
            throw NDError(.notFound, file: config.edgesFile, "no edge population '\(config.name)' (expected group \(base))")
        }
        for column in ["source_node_id", "target_node_id"] where !file.exists(base + "/" + column) {
            throw NDError(.notFound, file: config.edgesFile, "\(base)/\(column): missing, required")
        }
        size = try file.shape(base + "/target_node_id").first ?? 0
        guard let source = try file.stringAttribute(base + "/source_node_id", "node_population"),
              let target = try file.stringAttribute(base + "/target_node_id", "node_population")
        else {
            throw NDError(.notFound, file: config.edgesFile, "\(base): source_node_id and target_node_id need a node_population attribute")
        }
        sourcePopulation = source
        targetPopulation = target
        attributes = AttributeGroup(file: file, path: base + "/0", fileName: config.edgesFile, owner: "edge population '\(config.name)'")
    }

    /// Whether `indices/target_to_source` is present (looked up once: nd-instantiate asks
    /// for every cell).
    public private(set) lazy var hasTargetIndex: Bool = file.exists(base + "/indices/target_to_source/node_id_to_ranges")

    /// `source_node_id` of rows `rows` (all when nil).
    public func sourceIDs(rows: Range<Int>? = nil) throws -> [Int64] { try file.readInt64(base + "/source_node_id", rows: rows) }

    /// Rows `ranges` (sorted, not overlapping) of this population's columns, selected
    /// once for every column read with it.
    public func rowSelection(_ ranges: [Range<Int>]) throws -> HDF5RowSelection {
        do { return try HDF5RowSelection(ranges, extent: size) } catch let e as NDError { throw NDError(e.kind, file: config.edgesFile, "\(base): \(e.message)") }
    }

    /// `source_node_id` of rows `selection`, range after range.
    public func sourceIDs(selection: HDF5RowSelection) throws -> [Int64] { try file.readInt64(base + "/source_node_id", selection: selection) }

    /// `target_node_id` of rows `rows`.
    public func targetIDs(rows: Range<Int>? = nil) throws -> [Int64] { try file.readInt64(base + "/target_node_id", rows: rows) }

    /// Attribute names under `0/`, sorted.
    public func attributeNames() throws -> [String] {
        file.isGroup(base + "/0") ? try file.members(of: base + "/0") : []
    }

    /// Whether the population has attribute `name`.
    public func hasAttribute(_ name: String) -> Bool { attributes.has(name) }

    /// A numeric attribute as Double, rows `rows`.
    public func doubles(_ attribute: String, rows: Range<Int>? = nil) throws -> [Double] { try attributes.doubles(attribute, rows: rows) }

    /// A numeric attribute as Int64, rows `rows`.
    public func integers(_ attribute: String, rows: Range<Int>? = nil) throws -> [Int64] { try attributes.integers(attribute, rows: rows) }

    /// A numeric attribute as Double, rows `selection` range after range, in one read.
    public func doubles(_ attribute: String, selection: HDF5RowSelection) throws -> [Double] {
        try file.readDoubles(try columnPath(attribute), selection: selection)
    }

    /// A numeric attribute as Int64, rows `selection` range after range, in one read.
    public func integers(_ attribute: String, selection: HDF5RowSelection) throws -> [Int64] {
        try file.readInt64(try columnPath(attribute), selection: selection)
    }

    private func columnPath(_ attribute: String) throws -> String { try attributes.column(attribute) }

    /// Afferent edges of every target node `0..<targetCount`: from the index when there is
    /// one (two small tables), else by streaming `target_node_id` in chunks.
    public func afferentCounts(targetCount: Int) throws -> [Int] {
        var counts = [Int](repeating: 0, count: targetCount)
        if hasTargetIndex {
            let nodeRanges = try indexTable("node_id_to_ranges")
            let edgeRanges = try indexTable("range_to_edge_id")
            let nodes = nodeRanges.count / 2
            guard nodes <= targetCount else {
                throw NDError(.inconsistent, file: config.edgesFile, "\(base)/indices/target_to_source/node_id_to_ranges: \(nodes) rows for \(targetCount) target nodes")
            }
            for node in 0..<nodes {
                let lo = Int(nodeRanges[2 * node]), hi = Int(nodeRanges[2 * node + 1])
                guard lo <= hi, hi <= edgeRanges.count / 2 else { throw corruptIndex(node) }
                var total = 0
                for r in lo..<hi {
                    let a = edgeRanges[2 * r], b = edgeRanges[2 * r + 1]
                    guard a <= b, b <= UInt64(size) else { throw corruptIndex(node) }
                    total += Int(b - a)
                }
                counts[node] = total
            }
            return counts
        }
        var start = 0
        while start < size {
            let rows = start..<min(start + Self.chunkRows, size)
            for target in try targetIDs(rows: rows) {
                guard target >= 0, Int(target) < targetCount else {
                    throw NDError(.outOfRange, file: config.edgesFile, "\(base)/target_node_id: node id \(target) outside the \(targetCount) nodes of \(targetPopulation)")
                }
                counts[Int(target)] += 1
            }
            start = rows.upperBound
        }
        return counts
    }

    /// Edge id ranges of the afferent edges of `target`, from the index (read whole the
    /// first time: a lookup per cell would be two small reads each).
    public func afferentEdgeRanges(of target: Int) throws -> [Range<Int>] {
        guard hasTargetIndex else {
            throw NDError(.notFound, file: config.edgesFile, "\(base): no indices/target_to_source to look up node \(target)")
        }
        if targetIndex == nil {
            targetIndex = (try indexTable("node_id_to_ranges"), try indexTable("range_to_edge_id"))
        }
        let (nodeRanges, edgeRanges) = targetIndex!
        guard target >= 0, target < nodeRanges.count / 2 else { return [] }
        let lo = nodeRanges[2 * target], hi = nodeRanges[2 * target + 1]
        guard lo <= hi, hi <= UInt64(edgeRanges.count / 2) else { throw corruptIndex(target) }
        return try (Int(lo)..<Int(hi)).map { r in
            let a = edgeRanges[2 * r], b = edgeRanges[2 * r + 1]
            guard a <= b, b <= UInt64(size) else { throw corruptIndex(target) }
            return Int(a)..<Int(b)
        }
    }

    /// `indices/target_to_source`, once read.
    private var targetIndex: (nodeRanges: [UInt64], edgeRanges: [UInt64])?

    private func indexTable(_ name: String) throws -> [UInt64] {
        let path = base + "/indices/target_to_source/" + name
        let rows = try file.shape(path).first ?? 0
        var values: [UInt64] = []
        values.reserveCapacity(rows * 2)
        var start = 0
        while start < rows {
            let chunk = start..<min(start + Self.chunkRows, rows)
            values += try file.readMatrixInt64(path, columns: 2, rows: chunk).map { UInt64(bitPattern: $0) }
            start = chunk.upperBound
        }
        return values
    }

    private func corruptIndex(_ node: Int) -> NDError {
        NDError(.inconsistent, file: config.edgesFile, "\(base)/indices/target_to_source: inconsistent ranges for node \(node)")
    }
}
