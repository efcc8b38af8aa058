/// The cell types nd-circuit synth draws from: cortical-like metypes whose morphology
/// sizes differ about ten-fold and whose synapse counts differ several-fold.
struct SynthCellType {
    var mtype: String
    var etype: String
    /// Share of the cells.
    var fraction: Double
    var excitatory: Bool
    /// Basal dendrite trees, and how many times they branch (binary).
    var basalTrees: Int
    var basalDepth: Int
    /// Depth of the apical tree (0: none).
    var apicalDepth: Int
    /// Mean section length [µm].
    var sectionLengthUm: Double
    var somaDiameterUm: Double
    /// Afferent synapses relative to the circuit mean.
    var synapseScale: Double

    static let table: [SynthCellType] = [
        SynthCellType(mtype: "L5_TPC", etype: "cADpyr", fraction: 0.14, excitatory: true, basalTrees: 7, basalDepth: 4,
                      apicalDepth: 5, sectionLengthUm: 55, somaDiameterUm: 22, synapseScale: 3.2),
        SynthCellType(mtype: "L23_PC", etype: "cADpyr", fraction: 0.24, excitatory: true, basalTrees: 5, basalDepth: 3,
                      apicalDepth: 4, sectionLengthUm: 45, somaDiameterUm: 16, synapseScale: 1.8),
        SynthCellType(mtype: "L4_SSC", etype: "cADpyr", fraction: 0.14, excitatory: true, basalTrees: 6, basalDepth: 3,
                      apicalDepth: 0, sectionLengthUm: 40, somaDiameterUm: 14, synapseScale: 1.2),
        SynthCellType(mtype: "L6_IPC", etype: "cADpyr", fraction: 0.16, excitatory: true, basalTrees: 4, basalDepth: 3,
                      apicalDepth: 3, sectionLengthUm: 45, somaDiameterUm: 15, synapseScale: 1.0),
        SynthCellType(mtype: "L4_LBC", etype: "cNAC", fraction: 0.09, excitatory: false, basalTrees: 5, basalDepth: 3,
                      apicalDepth: 0, sectionLengthUm: 50, somaDiameterUm: 13, synapseScale: 0.7),
        SynthCellType(mtype: "L23_MC", etype: "cACint", fraction: 0.08, excitatory: false, basalTrees: 4, basalDepth: 2,
                      apicalDepth: 0, sectionLengthUm: 45, somaDiameterUm: 12, synapseScale: 0.5),
        SynthCellType(mtype: "L5_BTC", etype: "bNAC", fraction: 0.08, excitatory: false, basalTrees: 3, basalDepth: 2,
                      apicalDepth: 0, sectionLengthUm: 40, somaDiameterUm: 11, synapseScale: 0.4),
        SynthCellType(mtype: "L1_NGC", etype: "cNAC", fraction: 0.07, excitatory: false, basalTrees: 3, basalDepth: 1,
                      apicalDepth: 0, sectionLengthUm: 30, somaDiameterUm: 9, synapseScale: 0.2),
    ]

    var metype: String { mtype + "-" + etype }

    /// The layer in the mtype's name: "23" for L23_PC.
    var layer: String { String(mtype.dropFirst().prefix { $0.isNumber }) }

    /// Somatic sodium density [S/cm²] per etype: the types fire differently.
    static func somaticSodium(_ etype: String) -> Double {
        switch etype {
        case "cADpyr": return 0.12
        case "cNAC": return 0.15
        case "cACint": return 0.13
        default: return 0.14
        }
    }
}
