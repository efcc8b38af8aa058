import NDFormats
import NDModel

/// Reads HDF5 morphologies (h5v1 as MorphIO writes them): `points` (N × 4: x, y, z,
/// diameter) and `structure` (M × 3: first point, type, parent section), section 0 the soma.
public enum H5MorphologyReader {
    public static func read(_ path: String) throws -> Morphology {
        let file = try HDF5File(reading: path)
        let points = try file.readMatrixDoubles("/points", columns: 4)
        let structure = try file.readMatrixInt64("/structure", columns: 3)
        let pointCount = points.count / 4
        let sectionCount = structure.count / 3
        func point(_ k: Int) -> MorphologyPoint {
            MorphologyPoint(points[4 * k], points[4 * k + 1], points[4 * k + 2], diameter: points[4 * k + 3])
        }
        var soma = Soma(points: [])
        var sections: [Section] = []
        // Structure row -> index in `sections` (the soma row has none).
        var sectionIndex = [Int?](repeating: nil, count: sectionCount)
        for s in 0..<sectionCount {
            let start = Int(structure[3 * s]), type = Int(structure[3 * s + 1]), parent = Int(structure[3 * s + 2])
            let end = s + 1 < sectionCount ? Int(structure[3 * (s + 1)]) : pointCount
            guard start >= 0, start <= end, end <= pointCount else {
                throw NDError(.outOfRange, file: path, "/structure row \(s): points \(start)..<\(end) outside the \(pointCount) points")
            }
            guard parent < s else {
                throw NDError(.inconsistent, file: path, "/structure row \(s): parent \(parent) does not come before it")
            }
            let pts = (start..<end).map(point)
            if type == 1 {
                soma.points += pts
                continue
            }
            let sectionType = SectionType(rawValue: type) ?? .basal
            let parentSection = parent >= 0 ? sectionIndex[parent] : nil
            sectionIndex[s] = sections.count
            sections.append(Section(type: sectionType, parent: parentSection, points: pts))
        }
        return try Morphology(path: path, soma: soma, sections: sections).checkingPoints()
    }
}

/// Reads a morphology by its file extension (`.swc`, `.asc`, `.h5`).
public enum MorphologyReader {
    public static func read(_ path: String) throws -> Morphology {
        let lower = path.lowercased()
        if lower.hasSuffix(".swc") { return try SWCReader.read(path) }
        if lower.hasSuffix(".asc") { return try ASCReader.read(path) }
        if lower.hasSuffix(".h5") { return try H5MorphologyReader.read(path) }
        throw NDError(.unsupported, file: path, "unknown morphology format (expected .swc, .asc or .h5)")
    }

    /// The file of morphology `name` for a population: the first that exists of its
    /// HDF5, ASC and SWC folders (a name with an extension is looked up as it is).
    public static func path(of name: String, in population: NodePopulationConfig) throws -> String {
        let order: [MorphologyFormat] = [.h5, .asc, .swc]
        var tried: [String] = []
        for format in order {
            guard let dir = population.morphologyDirectories[format] else { continue }
            let hasExtension = MorphologyFormat.allCases.contains { name.lowercased().hasSuffix("." + $0.rawValue) }
            let candidate = PathUtil.join(dir, hasExtension ? name : name + "." + format.fileExtension)
            if fileExists(candidate) { return candidate }
            tried.append(candidate)
        }
        throw NDError(.notFound, "population '\(population.name)': no morphology file for '\(name)' (tried: \(tried.isEmpty ? "no morphology folder configured" : tried.joined(separator: ", ")))")
    }
}
