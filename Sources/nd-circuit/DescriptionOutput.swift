import NDCLI
import NDFormats
import NDSonata

/// The description as tables for people.
enum DescriptionText {
    static func make(_ d: CircuitDescription, config: String) -> String {
        var text = "circuit \(config)\n"
        for p in d.populations {
            text += "\nnode population \(p.name) (\(p.type), \(p.nodesFile)): \(p.cells) cells\n"
            let rows = d.metypes.filter { $0.population == p.name }
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
        if !d.edges.isEmpty { text += "\n" }
        for e in d.edges {
            text += "edge population \(e.name) (\(e.type), \(e.edgesFile)): \(e.source) -> \(e.target), "
                + "\(e.edges) edges, target index: \(e.hasTargetIndex ? "yes" : "no")\n"
        }
        return text
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}

/// The description as one JSON object.
enum DescriptionJSON {
    static func make(_ d: CircuitDescription, config: String) -> JSONObject {
        func optional(_ x: Double?) -> JSONValue { x.map { .double($0) } ?? .null }
        return [
            "config": .string(config),
            "populations": .array(d.populations.map { p in
                .object(["name": .string(p.name), "type": .string(p.type), "nodes_file": .string(p.nodesFile),
                         "cells": .int(Int64(p.cells)), "attributes": .array(p.attributes.map { .string($0) })])
            }),
            "metypes": .array(d.metypes.map { r in
                .object(["population": .string(r.population), "metype": .string(r.metype), "cells": .int(Int64(r.cells)),
                         "morphologies": .int(Int64(r.morphologies)), "mean_sections": optional(r.meanSections),
                         "mean_points": optional(r.meanPoints), "mean_neurite_length_um": optional(r.meanNeuriteLengthUm),
                         "mean_afferent_synapses": .double(r.meanAfferentSynapses),
                         "max_afferent_synapses": .int(Int64(r.maxAfferentSynapses))])
            }),
            "edges": .array(d.edges.map { e in
                .object(["name": .string(e.name), "type": .string(e.type), "edges_file": .string(e.edgesFile),
                         "source": .string(e.source), "target": .string(e.target), "edges": .int(Int64(e.edges)),
                         "target_index": .bool(e.hasTargetIndex)])
            }),
        ]
    }
}
