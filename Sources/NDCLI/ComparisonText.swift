import NDFormats
import NDBalance
import NDModel

/// Two load distributions side by side: their summaries, then histograms of machine and
/// rank loads over common bins so that the bars compare directly. Sizes are shown in the
/// binary unit that suits the larger maximum.
public func comparisonText(_ a: LoadReport, _ b: LoadReport, bins: Int = 20) -> String {
    let largest = max(a.rankSummary.max, b.rankSummary.max, a.machineSummary.max, b.machineSummary.max)
    let (scale, unit) = binaryUnit(for: largest)
    func size(_ x: Double) -> String { cFormat("%.1f", x / scale) }
    let width = max(a.file.count, b.file.count, 12) + 2
    let labelWidth = 22

    var text = "".padded(labelWidth) + a.file.padded(width) + b.file + "\n"
    let rows: [(String, (LoadSummary) -> String)] = [
        ("count", { "\($0.count)" }),
        ("min \(unit)", { size($0.min) }),
        ("mean \(unit)", { size($0.mean) }),
        ("max \(unit)", { size($0.max) }),
        ("stdev \(unit)", { size($0.stdev) }),
        ("max/mean", { cFormat("%.3f", $0.maxOverMean) }),
    ]
    for (level, sa, sb) in [("machine", a.machineSummary, b.machineSummary), ("rank", a.rankSummary, b.rankSummary)] {
        for (name, value) in rows {
            text += "\(level) \(name)".padded(labelWidth) + value(sa).padded(width) + value(sb) + "\n"
        }
    }
    let machines = (a.load.machineBytes, b.load.machineBytes)
    let ranks = (a.load.rankBytes, b.load.rankBytes)
    text += "\n" + sideBySideHistogram("Machine histogram", machines, (a.file, b.file), bins, scale, unit)
    text += "\n" + sideBySideHistogram("Rank histogram", ranks, (a.file, b.file), bins, scale, unit)
    return text
}

private func sideBySideHistogram(
    _ title: String, _ loads: ([ByteCount], [ByteCount]), _ names: (String, String),
    _ bins: Int, _ scale: Double, _ unit: String
) -> String {
    let va = loads.0.map { Double($0) }, vb = loads.1.map { Double($0) }
    // Common bins: the binning of both distributions together.
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
    let barWidth = 30
    func bar(_ n: Int) -> String {
        guard n > 0 else { return "" }
        return String(repeating: "#", count: max(1, n * barWidth / peak)) + " \(n)"
    }
    let rangeWidth = 27
    var text = "\(title) (\(unit))\n"
    text += "".padded(rangeWidth) + names.0.padded(barWidth + 8) + "| " + names.1 + "\n"
    for i in 0..<bins where ca[i] != 0 || cb[i] != 0 {
        let lo = cFormat("%9.1f", edges[i] / scale)
        let hi = cFormat("%9.1f", edges[i + 1] / scale)
        let range: String = "  [\(lo) - \(hi)]"
        let line: String = range.padded(rangeWidth) + bar(ca[i]).padded(barWidth + 8) + "| " + bar(cb[i])
        text += line.trimmingTrailingSpaces() + "\n"
    }
    return text
}
