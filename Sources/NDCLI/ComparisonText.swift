import NDBalance
import NDModel

/// Two load distributions side by side: their summaries, then histograms of rank and
/// machine loads over common bins so that the bars compare directly.
public func comparisonText(_ a: LoadReport, _ b: LoadReport, bins: Int = 20) -> String {
    let width = max(a.file.count, b.file.count, 14) + 2
    func cell(_ s: String) -> String { s.padded(width) }
    var text = cell("") + "    " + cell(a.file) + cell(b.file) + "\n"
    let rows: [(String, (LoadSummary) -> String)] = [
        ("count", { "\($0.count)" }),
        ("min MiB", { mib($0.min) }),
        ("mean MiB", { mib($0.mean) }),
        ("max MiB", { mib($0.max) }),
        ("stdev MiB", { mib($0.stdev) }),
        ("max/mean", { cFormat("%.3f", $0.maxOverMean) }),
    ]
    for (level, sa, sb) in [("machine", a.machineSummary, b.machineSummary), ("rank", a.rankSummary, b.rankSummary)] {
        for (name, value) in rows {
            text += cell("\(level) \(name)") + "    " + cell(value(sa)) + cell(value(sb)) + "\n"
        }
    }
    text += sideBySideHistogram("Machine histogram", a.load.machineBytes, b.load.machineBytes, a.file, b.file, bins: bins)
    text += sideBySideHistogram("Rank histogram", a.load.rankBytes, b.load.rankBytes, a.file, b.file, bins: bins)
    return text
}

private func sideBySideHistogram(
    _ title: String, _ a: [ByteCount], _ b: [ByteCount], _ nameA: String, _ nameB: String, bins: Int
) -> String {
    let va = a.map { Double($0) }, vb = b.map { Double($0) }
    // Common bins over both distributions: the histogram of the union gives the edges.
    let edges = UniformHistogram(va + vb, bins: bins).edges
    func counts(_ values: [Double]) -> [Int] {
        var c = [Int](repeating: 0, count: bins)
        for v in values {
            var i = bins - 1
            while i > 0 && v < edges[i] { i -= 1 }
            c[i] += 1
        }
        return c
    }
    let ca = counts(va), cb = counts(vb)
    let peak = max(ca.max() ?? 1, cb.max() ?? 1, 1)
    let barWidth = 24
    func bar(_ n: Int) -> String {
        let len = n == 0 ? 0 : max(1, n * barWidth / peak)
        let label = n == 0 ? "" : " " + String(n)
        let text: String = String(repeating: "#", count: len) + label
        return text.padded(barWidth + 8)
    }
    let heading: String = "\(title) (MiB)".padded(20)
    var text: String = heading + nameA.padded(barWidth + 8) + "| " + nameB + "\n"
    for i in 0..<bins where ca[i] != 0 || cb[i] != 0 {
        let lo = cFormat("%5.0f", edges[i] / bytesPerMiB)
        let hi = cFormat("%5.0f", edges[i + 1] / bytesPerMiB)
        let range: String = "  [\(lo) - \(hi)]"
        let right: String = bar(cb[i]).trimmingTrailingSpaces()
        text += range.padded(20) + bar(ca[i]) + "| " + right + "\n"
    }
    return text
}

