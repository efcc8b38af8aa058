import NDModel
import NDSonata

/// A section's shape as NEURON sees it: a polyline with diameters, measured along its arc.
struct SectionGeometry {
    /// Arc length [µm] at each point.
    let arc: [Double]
    let diameters: [Double]
    var length: Double { arc.last ?? 0 }

    /// Diameters below this [µm] are raised to it, so that no segment has infinite resistance.
    static let minimumDiameterUm = 1e-3

    init(points: [MorphologyPoint]) {
        var arc: [Double] = [0]
        for (a, b) in zip(points, points.dropFirst()) { arc.append(arc.last! + a.distance(to: b)) }
        self.arc = arc
        diameters = points.map { max($0.diameter, Self.minimumDiameterUm) }
    }

    /// A cylinder of `length` and `diameter` (how the soma is modelled).
    init(cylinderLength length: Double, diameter: Double) {
        arc = [0, length]
        let d = max(diameter, Self.minimumDiameterUm)
        diameters = [d, d]
    }

    private func diameter(at x: Double) -> Double {
        guard arc.count > 1 else { return diameters.first ?? Self.minimumDiameterUm }
        var i = 1
        while i < arc.count - 1 && arc[i] < x { i += 1 }
        let a = arc[i - 1], b = arc[i]
        let f = b > a ? (x - a) / (b - a) : 0
        return diameters[i - 1] + (diameters[i] - diameters[i - 1]) * min(max(f, 0), 1)
    }

    /// Lateral membrane area [µm²] and ∫dx/(πr²) [1/µm] over arc [lo, hi]: frusta between
    /// the 3-D points, cut at the ends.
    func integrate(_ lo: Double, _ hi: Double) -> (area: Double, resistanceFactor: Double) {
        guard hi > lo else { return (0, 0) }
        var cuts: [Double] = [lo]
        for x in arc where x > lo && x < hi { cuts.append(x) }
        cuts.append(hi)
        var area = 0.0, factor = 0.0
        for (x1, x2) in zip(cuts, cuts.dropFirst()) where x2 > x1 {
            let d1 = diameter(at: x1), d2 = diameter(at: x2), l = x2 - x1
            let dr = (d1 - d2) / 2
            area += Double.pi * (d1 + d2) / 2 * (l * l + dr * dr).squareRoot()
            factor += l / (Double.pi * d1 * d2 / 4)
        }
        return (area, factor)
    }

    /// NEURON's `lambda_f(frequency)` [µm] (stdlib.hoc), from the 3-D points.
    func lambda(frequencyHz: Double, raOhmCm: Double, cmUFPerCm2: Double) -> Double {
        guard length > 0 else { return 1 }
        var lam = 0.0
        for i in 1..<arc.count {
            lam += (arc[i] - arc[i - 1]) / (diameters[i] + diameters[i - 1]).squareRoot()
        }
        lam *= 2.0.squareRoot() * 1e-5 * (4 * Double.pi * frequencyHz * raOhmCm * cmUFPerCm2).squareRoot()
        return length / lam
    }

    /// Segments for `rule` (NEURON's odd counts); more than NEURON's 32,767 is an error.
    func segmentCount(_ rule: CompartmentRule, raOhmCm: Double, cmUFPerCm2: Double) throws -> Int {
        let n: Double
        switch rule {
        case .fixedCount(let count): return max(1, count)
        case .fixedLength(let l):
            let k = (length / l).rounded(.up)
            n = k.truncatingRemainder(dividingBy: 2) == 0 ? k + 1 : k
        case .dLambda(let dLambda, let frequency):
            let lam = lambda(frequencyHz: frequency, raOhmCm: raOhmCm, cmUFPerCm2: cmUFPerCm2)
            n = ((length / (dLambda * lam) + 0.9) / 2).rounded(.towardZero) * 2 + 1
        }
        guard n <= Double(ElectricalModel.maxSegments) else {
            let count = n.isFinite && n < 1e15 ? String(Int64(n)) : "\(n)"
            throw NDError(.outOfRange, "a section of \(length) µm needs \(count) segments by the model's compartment rule (\(rule)); NEURON allows at most \(ElectricalModel.maxSegments)")
        }
        return max(1, Int(n))
    }
}
