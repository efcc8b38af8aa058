import NDFormats
import NDModel

extension CircuitDescription {
    /// The description as tables for people (`nd-circuit describe`): per node population
    /// its metypes, then the edge populations; `config` names the circuit.
    public func text(config: String) -> String {
        var text = "circuit \(config)\n"
        for p in populations {
            text += "\nnode population \(p.name) (\(p.type), \(p.nodesFile)): \(p.cells) cells\n"
            let rows = metypes.filter { $0.population == p.name }
            guard !rows.isEmpty else { continue }
            text += "  " + pad("metype", 28) + lpad("cells", 8) + lpad("morphs", 8) + lpad("sections", 10)
                + lpad("points", 9) + lpad("length um", 11) + lpad("afferent", 10) + lpad("max aff.", 10) + "\n"
            for r in rows {
                text += "  " + pad(r.metype, 28) + lpad("\(r.cells)", 8) + lpad("\(r.morphologies)", 8)
                    + lpad(r.meanSections.map { cFormat("%.1f", $0) } ?? "-", 10)
                    + lpad(r.meanPoints.map { cFormat("%.0f", $0) } ?? "-", 9)
                    + lpad(r.meanNeuriteLengthUm.map { cFormat("%.0f", $0) } ?? "-", 11)
                    + lpad(cFormat("%.1f", r.meanAfferentSynapses), 10) + lpad("\(r.maxAfferentSynapses)", 10) + "\n"
            }
        }
        if !edges.isEmpty { text += "\n" }
        for e in edges {
            text += "edge population \(e.name) (\(e.type), \(e.edgesFile)): \(e.source) -> \(e.target), "
                + "\(e.edges) edges, target index: \(e.hasTargetIndex ? "yes" : "no")\n"
        }
        return text
    }
}

// A column's text left- or right-aligned in `n` characters, one space apart when longer.
private func pad(_ s: String, _ n: Int) -> String { (s + " ").padded(n) }
private func lpad(_ s: String, _ n: Int) -> String { (" " + s).leftPadded(n) }
