import NDModel

/// A node population of a SONATA `nodes.h5`: its size and attribute columns.
///
/// String attributes may be stored as strings or, as real circuits store mtype, etype,
/// morphology and model_template, as integer indices into `0/@library/<attribute>`;
/// `strings(_:)` reads both the same way.
public final class NodePopulation {
    public let config: NodePopulationConfig
    public var name: String { config.name }
    let file: HDF5File
    let base: String
    /// Number of nodes.
    public let size: Int
    private let attributes: AttributeGroup

    public init(_ config: NodePopulationConfig) throws {
        self.config = config
        file = try HDF5File(reading: config.nodesFile)
        base = "/nodes/" + config.name
        guard file.isGroup(base) else {
            throw NDError(.notFound, file: config.nodesFile, "no node population '\(config.name)' (expected group \(base))")
        }
        guard file.exists(base + "/node_type_id") else {
            throw NDError(.notFound, file: config.nodesFile, "\(base)/node_type_id: missing, required")
        }
        size = try file.shape(base + "/node_type_id").first ?? 0
        attributes = AttributeGroup(file: file, path: base + "/0", fileName: config.nodesFile, owner: "population '\(config.name)'")
        if file.exists(base + "/node_group_id") {
            let groups = try file.readInt64(base + "/node_group_id")
            if let other = groups.first(where: { $0 != 0 }) {
                throw NDError(.unsupported, file: config.nodesFile, "\(base): node group \(other) found; only group 0 is supported")
            }
        }
    }

    private var group: String { base + "/0" }

    /// Attribute names under `0/` (without `@library` and `dynamics_params`), sorted.
    public func attributeNames() throws -> [String] {
        guard file.isGroup(group) else { return [] }
        return try file.members(of: group).filter { $0 != "@library" && $0 != "dynamics_params" }
    }

    /// Names of `0/dynamics_params/*`, sorted.
    public func dynamicsParameterNames() throws -> [String] {
        let dir = group + "/dynamics_params"
        return file.isGroup(dir) ? try file.members(of: dir) : []
    }

    /// Whether the population has attribute `name`.
    public func hasAttribute(_ name: String) -> Bool { attributes.has(name) }

    /// `node_type_id` of rows `rows`.
    public func nodeTypeIDs(rows: Range<Int>? = nil) throws -> [Int64] {
        try file.readInt64(base + "/node_type_id", rows: rows)
    }

    /// A string attribute (plain or enumerated through `@library`), rows `rows` or all.
    public func strings(_ attribute: String, rows: Range<Int>? = nil) throws -> [String] {
        let column = try columnPath(attribute)
        guard let table = try library(of: attribute, column: column) else { return try file.readStrings(column, rows: rows) }
        return try libraryCodes(column, table: table, attribute: attribute, rows: rows).map { table[Int($0)] }
    }

    /// A string attribute as a table of its distinct values and, per node, the index of
    /// its value: 4 bytes a node however long the strings (an `@library` column is read as
    /// stored; a plain one is interned).
    public func enumerated(_ attribute: String) throws -> (codes: [Int32], values: [String]) {
        let column = try columnPath(attribute)
        if let table = try library(of: attribute, column: column) {
            return (try libraryCodes(column, table: table, attribute: attribute, rows: nil), table)
        }
        var values: [String] = []
        var index: [String: Int32] = [:]
        let codes = try file.readStrings(column).map { value in
            if let known = index[value] { return known }
            let code = Int32(values.count)
            index[value] = code
            values.append(value)
            return code
        }
        return (codes, values)
    }

    /// The `@library` table of an integer (enumerated) column; nil for a column of strings.
    private func library(of attribute: String, column: String) throws -> [String]? {
        guard try file.valueKind(column) == .integer else { return nil }
        let library = group + "/@library/" + attribute
        guard file.exists(library) else {
            throw NDError(.malformed, file: config.nodesFile, "\(column): integer column with no @library table, expected strings")
        }
        return try file.readStrings(library)
    }

    /// An enumerated column's indices, each checked against its table.
    private func libraryCodes(_ column: String, table: [String], attribute: String, rows: Range<Int>?) throws -> [Int32] {
        try file.readInt64(column, rows: rows).enumerated().map { i, index in
            guard index >= 0, Int(index) < table.count else {
                throw NDError(.outOfRange, file: config.nodesFile,
                    "\(column)[\((rows?.lowerBound ?? 0) + i)]: enumeration index \(index) outside @library/\(attribute) (\(table.count) values)")
            }
            return Int32(index)
        }
    }

    /// A numeric attribute as Double.
    public func doubles(_ attribute: String, rows: Range<Int>? = nil) throws -> [Double] { try attributes.doubles(attribute, rows: rows) }

    /// A numeric attribute as Int64.
    public func integers(_ attribute: String, rows: Range<Int>? = nil) throws -> [Int64] { try attributes.integers(attribute, rows: rows) }

    /// `0/dynamics_params/<name>` as Double.
    public func dynamicsParameter(_ name: String, rows: Range<Int>? = nil) throws -> [Double] {
        try file.readDoubles(group + "/dynamics_params/" + name, rows: rows)
    }

    /// Any attribute as strings, whatever its storage (for node-set matching and display).
    public func valuesAsText(_ attribute: String) throws -> [String] {
        let column = try columnPath(attribute)
        switch try file.valueKind(column) {
        case .string: return try file.readStrings(column)
        case .integer: return file.exists(group + "/@library/" + attribute)
            ? try strings(attribute) : try file.readInt64(column).map { String($0) }
        default: return try file.readDoubles(column).map { String($0) }
        }
    }

    private func columnPath(_ attribute: String) throws -> String { try attributes.column(attribute) }
}
