import NDFormats

extension CircuitDescription {
    /// The description as one JSON object (`nd-circuit describe --json`); `config`
    /// names the circuit.
    public func json(config: String) -> JSONObject {
        func optional(_ x: Double?) -> JSONValue { x.map { .double($0) } ?? .null }
        return [
            "config": .string(config),
            "populations": .array(populations.map { p in
                .object(["name": .string(p.name), "type": .string(p.type), "nodes_file": .string(p.nodesFile),
                         "cells": .int(Int64(p.cells)), "attributes": .array(p.attributes.map { .string($0) })])
            }),
            "metypes": .array(metypes.map { r in
                .object(["population": .string(r.population), "metype": .string(r.metype), "cells": .int(Int64(r.cells)),
                         "morphologies": .int(Int64(r.morphologies)), "mean_sections": optional(r.meanSections),
                         "mean_points": optional(r.meanPoints), "mean_neurite_length_um": optional(r.meanNeuriteLengthUm),
                         "mean_afferent_synapses": .double(r.meanAfferentSynapses),
                         "max_afferent_synapses": .int(Int64(r.maxAfferentSynapses))])
            }),
            "edges": .array(edges.map { e in
                .object(["name": .string(e.name), "type": .string(e.type), "edges_file": .string(e.edgesFile),
                         "source": .string(e.source), "target": .string(e.target), "edges": .int(Int64(e.edges)),
                         "target_index": .bool(e.hasTargetIndex)])
            }),
        ]
    }
}

extension CircuitDescription.Cell {
    /// The cell as one JSON-lines object (`nd-circuit describe --cells`).
    public var record: JSONObject {
        [
            "population": .string(population), "node_id": .int(Int64(node.rawValue)), "metype": .string(metype),
            "morphology": morphology.map { .string($0) } ?? .null,
            "model_template": modelTemplate.map { .string($0) } ?? .null,
            "afferent_synapses": .int(Int64(afferentSynapses)),
        ]
    }
}
