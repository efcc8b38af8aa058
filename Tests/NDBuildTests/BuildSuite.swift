import Foundation
import NDSonata
import Testing

/// Every NDBuild suite that reads HDF5 runs inside this one, one test at a time: Debian's
/// HDF5 is built without thread safety.
@Suite(.serialized) struct BuildSuite {}

/// A small circuit written by nd-circuit synth's synthesizer into a scratch folder.
struct SynthCircuit {
    let folder: String
    var config: String { folder + "/simulation_config.json" }

    /// `stochastic`: neurodamus's release columns (ProbAMPANMDA_EMS / ProbGABAAB_EMS
    /// synapses); otherwise ExpSyn and Exp2Syn.
    init(cells: Int, synapsesPerCell: Double = 12, populations: Int = 2, stochastic: Bool, seed: UInt64 = 3) throws {
        folder = NSTemporaryDirectory() + "ndbuild-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var options = SynthOptions(cells: cells)
        options.populations = populations
        options.synapsesPerCell = synapsesPerCell
        options.stochasticSynapses = stochastic
        options.seed = seed
        options.morphologiesPerType = 1
        _ = try CircuitSynthesizer(options).write(to: folder)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}
