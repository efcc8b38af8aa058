import NDFormats
import NDBalance
import NDModel

/// An SVG bar chart of the load of every rank (grouped by machine), for one files.dat or
/// two side by side (before/after), with the mean and max/mean of each. No dependency:
/// plain SVG text.
public func loadPlotSVG(_ reports: [LoadReport]) -> String {
    let ranks = reports.map { $0.load.rankCount }.max() ?? 0
    let peak = reports.flatMap { $0.load.rankBytes }.max().map { Double($0) } ?? 1
    let (scale, unit) = binaryUnit(for: peak)
    let width = 900.0, height = 360.0, left = 70.0, right = 20.0, top = 50.0, bottom = 50.0
    let plotW = width - left - right, plotH = height - top - bottom
    let slot = plotW / Double(max(ranks, 1))
    let barW = max(1, slot * 0.8 / Double(max(reports.count, 1)))
    let colors = ["#4c72b0", "#dd8452"]
    func y(_ bytes: Double) -> Double { top + plotH * (1 - bytes / max(peak, 1)) }
    func f(_ x: Double) -> String { cFormat("%.1f", x) }
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    svg += "<text x=\"\(f(left))\" y=\"20\" font-size=\"14\">Load per rank (\(unit))</text>\n"
    // Machines: shaded bands.
    if let first = reports.first {
        for m in 0..<first.load.machineCount where m % 2 == 1 {
            let x0 = left + Double(m * first.load.ranksPerMachine) * slot
            svg += "<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(Double(first.load.ranksPerMachine) * slot))\" height=\"\(f(plotH))\" fill=\"#f2f2f2\"/>\n"
        }
    }
    for (k, report) in reports.enumerated() {
        let color = colors[k % colors.count]
        for (r, bytes) in report.load.rankBytes.enumerated() {
            let h = plotH * Double(bytes) / max(peak, 1)
            svg += "<rect x=\"\(f(left + Double(r) * slot + slot * 0.1 + Double(k) * barW))\" y=\"\(f(top + plotH - h))\" width=\"\(f(barW))\" height=\"\(f(h))\" fill=\"\(color)\"><title>rank \(r): \(f(Double(bytes) / scale)) \(unit)</title></rect>\n"
        }
        let s = report.rankSummary
        svg += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(y(s.mean)))\" y2=\"\(f(y(s.mean)))\" stroke=\"\(color)\" stroke-dasharray=\"4 3\"/>\n"
        svg += "<rect x=\"\(f(left + Double(k) * 420))\" y=\"\(f(height - 22))\" width=\"12\" height=\"12\" fill=\"\(color)\"/>\n"
        svg += "<text x=\"\(f(left + Double(k) * 420 + 18))\" y=\"\(f(height - 12))\">\(escape(report.file)): max/mean \(cFormat("%.3f", s.maxOverMean))</text>\n"
    }
    svg += "<line x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + plotH))\" stroke=\"black\"/>\n"
    svg += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(top + plotH))\" y2=\"\(f(top + plotH))\" stroke=\"black\"/>\n"
    for t in 0...4 {
        let v = peak * Double(t) / 4
        svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(f(v / scale))</text>\n"
    }
    svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">rank (machines shaded alternately)</text>\n"
    return svg + "</svg>\n"
}

private func escape(_ s: String) -> String {
    s.map { $0 == "&" ? "&amp;" : $0 == "<" ? "&lt;" : String($0) }.joined()
}
