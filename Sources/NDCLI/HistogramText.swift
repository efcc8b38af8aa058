import NDFormats
import NDBalance
import NDModel

/// The histogram block the reference tools print: 40 bins over [min, max] of the loads
/// (numpy's binning), one line per non-empty bin, edges in MiB with no decimals:
/// `  [  100 -   103]: 7`.
public func histogramText(_ bytes: [Double], bins: Int = 40) -> String {
    let histogram = UniformHistogram(bytes, bins: bins)
    var text = ""
    for (i, count) in histogram.counts.enumerated() where count != 0 {
        let lo = cFormat("%5.0f", histogram.edges[i] / bytesPerMiB)
        let hi = cFormat("%5.0f", histogram.edges[i + 1] / bytesPerMiB)
        text += "  [\(lo) - \(hi)]: \(count)\n"
    }
    return text
}
