/// A histogram with equal-width bins over [min, max] of the values, computed exactly as
/// `numpy.histogram(values, bins=n)` computes it, so that its edges and counts print the
/// same as the reference tools' histograms.
public struct UniformHistogram: Equatable {
    /// `binCount + 1` edges; the last bin includes its right edge.
    public let edges: [Double]
    /// Values per bin.
    public let counts: [Int]

    public var binCount: Int { counts.count }

    public init(_ values: [Double], bins: Int = 40) {
        precondition(bins > 0)
        // numpy's _get_outer_edges: [0, 1] for no values; ±0.5 around a single value.
        var first: Double, last: Double
        if values.isEmpty {
            first = 0; last = 1
        } else {
            first = values.min()!; last = values.max()!
        }
        if first == last { first -= 0.5; last += 0.5 }

        // numpy.linspace(first, last, bins + 1): k * step + first, last edge set exactly.
        let delta = last - first
        let step = delta / Double(bins)
        var edges = [Double](repeating: 0, count: bins + 1)
        for k in 0...bins {
            edges[k] = step == 0 ? (Double(k) / Double(bins)) * delta + first : Double(k) * step + first
        }
        edges[bins] = last

        // numpy's fast path for uniform bins: scaled index, then one-ulp corrections
        // against the edges; the last bin is closed on the right.
        var counts = [Int](repeating: 0, count: bins)
        let denom = last - first
        for v in values where v >= first && v <= last {
            var i = Int(((v - first) / denom) * Double(bins))
            if i == bins { i -= 1 }
            if v < edges[i] { i -= 1 }
            if v >= edges[i + 1] && i != bins - 1 { i += 1 }
            counts[i] += 1
        }
        self.edges = edges
        self.counts = counts
    }
}
