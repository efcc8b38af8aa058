import NDModel

/// A node or edge population's attribute group (`<population>/0`): which attributes it
/// has, looked up once each (the file is read-only: it never changes), and their columns.
final class AttributeGroup {
    let file: HDF5File
    /// The group's path in the file.
    let path: String
    /// The file's name and the population as errors name them ("edge population 'x'").
    let fileName: String, owner: String
    private var presence: [String: Bool] = [:]

    init(file: HDF5File, path: String, fileName: String, owner: String) {
        self.file = file; self.path = path; self.fileName = fileName; self.owner = owner
    }

    /// Whether the group has attribute `name`.
    func has(_ name: String) -> Bool {
        if let known = presence[name] { return known }
        let present = file.exists(path + "/" + name)
        presence[name] = present
        return present
    }

    /// The path of attribute `name`'s column; an error naming the file when absent.
    func column(_ name: String) throws -> String {
        let column = path + "/" + name
        guard has(name) else { throw NDError(.notFound, file: fileName, "\(owner) has no attribute '\(name)' (expected \(column))") }
        return column
    }

    func doubles(_ name: String, rows: Range<Int>?) throws -> [Double] { try file.readDoubles(try column(name), rows: rows) }
    func integers(_ name: String, rows: Range<Int>?) throws -> [Int64] { try file.readInt64(try column(name), rows: rows) }
}
