import NDModel

/// What a part of a neuron is (SWC type codes).
public enum SectionType: Int, Sendable, CaseIterable {
    case soma = 1, axon = 2, basal = 3, apical = 4

    /// The name used in electrical models and reports.
    public var name: String {
        switch self {
        case .soma: return "soma"
        case .axon: return "axon"
        case .basal: return "basal"
        case .apical: return "apical"
        }
    }
}

/// A 3-D point with its diameter [µm].
public struct MorphologyPoint: Equatable, Sendable {
    public var x: Double, y: Double, z: Double
    public var diameter: Double

    public init(_ x: Double, _ y: Double, _ z: Double, diameter: Double) {
        self.x = x; self.y = y; self.z = z; self.diameter = diameter
    }

    /// Same coordinates (the diameter may differ).
    func samePlace(as other: MorphologyPoint) -> Bool { x == other.x && y == other.y && z == other.z }

    /// Straight-line distance [µm].
    public func distance(to other: MorphologyPoint) -> Double {
        let dx = x - other.x, dy = y - other.y, dz = z - other.z
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }
}

/// An unbranched piece of neurite: its points from the branch point on.
public struct Section: Equatable, Sendable {
    public var type: SectionType
    /// Index of the parent section in `Morphology.sections`; nil when it starts at the soma.
    public var parent: Int?
    public var points: [MorphologyPoint]

    public init(type: SectionType, parent: Int?, points: [MorphologyPoint]) {
        self.type = type; self.parent = parent; self.points = points
    }

    /// Path length [µm].
    public var length: Double {
        zip(points, points.dropFirst()).reduce(0) { $0 + $1.0.distance(to: $1.1) }
    }
}

/// The soma as read: its outline or samples, and the cylinder that stands for it.
public struct Soma: Equatable, Sendable {
    public var points: [MorphologyPoint]

    public init(points: [MorphologyPoint]) { self.points = points }

    /// Centre of the soma points.
    public var center: MorphologyPoint {
        guard !points.isEmpty else { return MorphologyPoint(0, 0, 0, diameter: 0) }
        let n = Double(points.count)
        return MorphologyPoint(points.reduce(0) { $0 + $1.x } / n, points.reduce(0) { $0 + $1.y } / n,
                               points.reduce(0) { $0 + $1.z } / n, diameter: 0)
    }

    /// Diameter [µm] of the cylinder (length = diameter) that stands for the soma: a single
    /// sample's diameter; else twice the mean distance of the points from their centre
    /// (a contour or a stack), or the largest sampled diameter if larger.
    public var diameter: Double {
        guard !points.isEmpty else { return 0 }
        if points.count == 1 { return points[0].diameter }
        let c = center
        let meanRadius = points.reduce(0) { $0 + $1.distance(to: c) } / Double(points.count)
        return max(2 * meanRadius, points.map(\.diameter).max() ?? 0)
    }
}

/// A neuron morphology: the soma and the neurite sections. SONATA section id 0 is the
/// soma; id `k ≥ 1` is `sections[k - 1]`.
public struct Morphology: Equatable, Sendable {
    /// The file it was read from.
    public var path: String
    public var soma: Soma
    public var sections: [Section]

    public init(path: String, soma: Soma, sections: [Section]) {
        self.path = path; self.soma = soma; self.sections = sections
    }

    /// Total neurite length [µm].
    public var neuriteLength: Double { sections.reduce(0) { $0 + $1.length } }

    /// Number of points, soma included.
    public var pointCount: Int { soma.points.count + sections.reduce(0) { $0 + $1.points.count } }

    /// Number of sections of each type (the soma counts as one).
    public func sectionCount(_ type: SectionType) -> Int {
        type == .soma ? 1 : sections.filter { $0.type == type }.count
    }
}

extension Morphology {
    /// The largest coordinate magnitude and diameter the readers accept [µm]: a
    /// kilometre, beyond any neuron, and small enough that lengths, areas and the
    /// compartments made from them stay finite.
    public static let maxCoordinateUm = 1e9

    /// Itself, after checking every point: finite coordinates within
    /// ±`maxCoordinateUm` and a diameter in 0...`maxCoordinateUm` (a bad file names the
    /// point instead of giving infinite lengths later).
    func checkingPoints() throws -> Morphology {
        let m = Self.maxCoordinateUm
        func bad(_ p: MorphologyPoint) -> Bool { !(abs(p.x) <= m && abs(p.y) <= m && abs(p.z) <= m && p.diameter >= 0 && p.diameter <= m) }
        func fail(_ what: String, _ p: MorphologyPoint) -> NDError {
            NDError(.outOfRange, file: path, "\(what): point (\(p.x), \(p.y), \(p.z)) with diameter \(p.diameter): expected coordinates within ±1e9 µm and a diameter in 0...1e9 µm")
        }
        if let p = soma.points.first(where: bad) { throw fail("soma", p) }
        for (k, s) in sections.enumerated() {
            if let p = s.points.first(where: bad) { throw fail("section \(k + 1)", p) }
        }
        return self
    }
}
