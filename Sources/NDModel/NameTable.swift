/// Names held once, each with its index: the population and metype names of the cell
/// columns (`CellTable`, `Allocation.Cells`), which store indices instead of strings.
struct NameTable: Sendable {
    private(set) var names: [String] = []
    private var index: [String: Int32] = [:]

    /// The index of `name`, added if new.
    mutating func id(_ name: String) -> Int32 {
        if let i = index[name] { return i }
        let i = Int32(names.count)
        names.append(name)
        index[name] = i
        return i
    }
}
