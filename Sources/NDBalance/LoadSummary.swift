/// Min, max, mean, standard deviation and max/mean of a set of loads.
public struct LoadSummary: Equatable, Sendable {
    public let count: Int
    public let min: Double
    public let max: Double
    public let mean: Double
    /// Population standard deviation (numpy's default, ddof 0).
    public let stdev: Double
    /// max / mean: 1 is perfect balance; 0 when the mean is 0.
    public var maxOverMean: Double { mean > 0 ? max / mean : 0 }

    public init<S: Sequence>(_ values: S) where S.Element == Double {
        var n = 0
        var lo = Double.infinity, hi = -Double.infinity, sum = 0.0
        for v in values {
            n += 1; sum += v
            lo = Swift.min(lo, v); hi = Swift.max(hi, v)
        }
        count = n
        if n == 0 {
            min = 0; max = 0; mean = 0; stdev = 0
            return
        }
        let m = sum / Double(n)
        var squares = 0.0
        for v in values { squares += (v - m) * (v - m) }
        min = lo; max = hi; mean = m
        stdev = (squares / Double(n)).squareRoot()
    }
}
