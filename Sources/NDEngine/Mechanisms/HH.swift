import NDModel

/// Hodgkin–Huxley channels (NEURON's hh.mod as built for CoreNEURON, its rate GLOBALs
/// made RANGE): sodium, potassium and leak; ena and ek read from na_ion and k_ion.
public enum HH: Mechanism {
    public static let layout = MechanismLayout(name: "hh", kind: .density, variables: [
        "gnabar", "gkbar", "gl", "el", "gna", "gk", "il", "minf", "hinf", "ninf", "mtau", "htau", "ntau",
        "m", "h", "n", "Dm", "Dh", "Dn", "ena", "ek", "ina", "ik", "v", "_g",
    ], pdata: [.ion("na", variable: 0), .ion("na", variable: 3), .ion("na", variable: 4),
               .ion("k", variable: 0), .ion("k", variable: 3), .ion("k", variable: 4)])

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let h = model.hh, v = e.vInitMV
        // The ion instances at hh instance k's node (ions are written at hh's nodes).
        let na = e.position(of: NaIon.layout.name), kIons = e.position(of: KIon.layout.name)
        let width = Int32(NaIon.layout.variables.count)
        try e.add(layout, count: h.node.count, nodes: h.node, row: { k in
            var row = [Double](repeating: 0, count: layout.variables.count)
            row[0] = h.gnabar[k]; row[1] = h.gkbar[k]; row[2] = h.gl[k]; row[3] = h.el[k]
            row[layout.column("ena")] = h.ena[k]; row[layout.column("ek")] = h.ek[k]; row[layout.column("v")] = v
            return row
        }, pdata: { k, slot in
            guard case .ion(let ion, let variable) = slot else { return -1 }
            return (ion == "na" ? na[k] : kIons[k]) * width + Int32(variable)
        })
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        let n = layout.variables.count
        for k in 0..<block.count {
            let row = block.data, base = k * n
            model.hh.node.append(block.nodeIndices![k])
            model.hh.gnabar.append(row[base + 0]); model.hh.gkbar.append(row[base + 1])
            model.hh.gl.append(row[base + 2]); model.hh.el.append(row[base + 3])
            model.hh.ena.append(try d.ionValue(block, layout: layout, instance: k, slot: 0))
            model.hh.ek.append(try d.ionValue(block, layout: layout, instance: k, slot: 3))
        }
    }
}
