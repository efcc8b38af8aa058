#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// Random neurites for nd-circuit synth, written as SWC.
enum SynthMorphology {
    /// A morphology of `type`: a spherical soma, basal trees, an optional apical tree and an
    /// axon; binary branching, diameters tapering with depth.
    static func make(_ type: SynthCellType, rng: inout SeededRandom) -> Morphology {
        let somaR = type.somaDiameterUm / 2
        var sections: [Section] = []
        func tree(_ sectionType: SectionType, direction: (Double, Double, Double), depth: Int, diameter: Double) {
            func grow(parent: Int?, start: MorphologyPoint, dir: (Double, Double, Double), level: Int, d: Double) {
                let length = type.sectionLengthUm * (0.6 + 0.8 * rng.unit())
                let steps = 4
                var points = [start]
                var p = start
                for s in 1...steps {
                    let jitter = 0.15
                    let dx = dir.0 + jitter * rng.normal(), dy = dir.1 + jitter * rng.normal(), dz = dir.2 + jitter * rng.normal()
                    let norm = max((dx * dx + dy * dy + dz * dz).squareRoot(), 1e-9)
                    let step = length / Double(steps)
                    let taper = d * (1 - 0.1 * Double(s) / Double(steps))
                    p = MorphologyPoint(p.x + step * dx / norm, p.y + step * dy / norm, p.z + step * dz / norm, diameter: taper)
                    points.append(p)
                }
                let index = sections.count
                sections.append(Section(type: sectionType, parent: parent, points: points))
                guard level < depth else { return }
                for side in [-1.0, 1.0] {
                    let spread = 0.6
                    let newDir = (dir.0 + side * spread * rng.unit(), dir.1 + spread * rng.normal(), dir.2 + side * spread * rng.normal())
                    grow(parent: index, start: p, dir: newDir, level: level + 1, d: max(0.3, d * 0.72))
                }
            }
            let norm = max((direction.0 * direction.0 + direction.1 * direction.1 + direction.2 * direction.2).squareRoot(), 1e-9)
            let start = MorphologyPoint(somaR * direction.0 / norm, somaR * direction.1 / norm, somaR * direction.2 / norm, diameter: diameter)
            grow(parent: nil, start: start, dir: direction, level: 0, d: diameter)
        }
        // Trees one level shallower or deeper now and then: variants of a type differ in size too.
        func varied(_ depth: Int) -> Int {
            let u = rng.unit()
            return max(1, depth + (u < 0.25 ? -1 : (u > 0.8 ? 1 : 0)))
        }
        for t in 0..<type.basalTrees {
            let angle = 2 * Double.pi * (Double(t) + rng.unit() * 0.5) / Double(type.basalTrees)
            tree(.basal, direction: (cos(angle), -0.5 - rng.unit(), sin(angle)), depth: varied(type.basalDepth), diameter: 1.2 + rng.unit())
        }
        if type.apicalDepth > 0 {
            tree(.apical, direction: (0.1 * rng.normal(), 1, 0.1 * rng.normal()), depth: varied(type.apicalDepth), diameter: 2.5 + rng.unit())
        }
        tree(.axon, direction: (0.1 * rng.normal(), -1, 0.1 * rng.normal()), depth: 2, diameter: 1.0)
        let soma = Soma(points: [MorphologyPoint(0, 0, 0, diameter: type.somaDiameterUm)])
        return Morphology(path: "", soma: soma, sections: sections)
    }

    /// SWC text: the soma as one sample (a sphere), then every section's points after its
    /// first (which repeats the parent's last point, or touches the soma).
    static func swc(_ morphology: Morphology, name: String) -> String {
        var text = "# \(name): written by nd-circuit synth\n# id type x y z radius parent\n"
        let soma = morphology.soma.points[0]
        text += "1 1 \(f(soma.x)) \(f(soma.y)) \(f(soma.z)) \(f(soma.diameter / 2)) -1\n"
        var lastSample = [Int](repeating: 0, count: morphology.sections.count)
        var id = 1
        for (k, section) in morphology.sections.enumerated() {
            var parent = section.parent.map { lastSample[$0] } ?? 1
            // A root section's first point is on the soma surface and is a sample of its own.
            let points = section.parent == nil ? section.points : Array(section.points.dropFirst())
            for p in points {
                id += 1
                text += "\(id) \(section.type.rawValue) \(f(p.x)) \(f(p.y)) \(f(p.z)) \(f(p.diameter / 2)) \(parent)\n"
                parent = id
            }
            lastSample[k] = id
        }
        return text
    }

    private static func f(_ x: Double) -> String {
        let rounded = (x * 1000).rounded() / 1000
        return rounded == 0 ? "0" : String(rounded)
    }
}
