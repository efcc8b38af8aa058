import NDEngine
import NDFormats
import NDModel
import NDSonata

/// Writes a SONATA simulation's model as a CoreNEURON dataset folder, as NEURON 9.0.2's
/// `nrncore_write` lays one out: each group's `E_1.dat` and `E_2.dat` (by any process),
/// then the folder's files (by one): bbcore_mech.dat, globals.dat, sim.conf, the
/// replayed spikes as a pattern file, ndtools' checksums, and files.dat last.
public struct DatasetWriter {
    public let folder: String
    /// NEURON's built-in mechanisms, then the mod-file mechanisms the model uses
    /// (neurodamus's synapses): what a special-core built with those mod files runs.
    public let catalog: MechanismCatalog
    let extraMechanisms: [any MechanismWithGlobals.Type]
    /// The name of the replayed-spikes file inside the folder.
    public static let patternFile = "replay.dat"

    /// Replayed spikes come from stand-in gids: this plus the source's gid (see
    /// `ModelGroup.coreGroup`); the circuit's node count, so no stand-in is a real gid.
    public let replayGidOffset: Int64

    public init(folder: String, replayGidOffset: Int64, mechanisms: [any MechanismWithGlobals.Type] = []) {
        self.folder = folder; self.replayGidOffset = replayGidOffset
        extraMechanisms = mechanisms
        catalog = NeuronBuiltins.catalog().adding(mechanisms.map { $0.layout })
    }

    /// globals.dat: NEURON's, then the added mechanisms' GLOBALs, and Random123's index.
    public func globals(_ simulation: SimulationConfig) -> GlobalsFile {
        var g = NeuronBuiltins.globals(celsius: simulation.conditions.celsius, dtMs: simulation.run.dtMs)
        for m in extraMechanisms {
            for (name, value) in m.globalDefaults { g.set("\(name)_\(m.layout.name)", value) }
        }
        // Random123's key, as neurodamus sets it from the run's seed (only streams use it).
        if !extraMechanisms.isEmpty { g.random123GlobalIndex = Int(simulation.run.randomSeed) }
        return g
    }

    /// Writes group `id`; returns its two files' names and bytes (for the checksums).
    public func write(_ group: ModelGroup, id: Int64, simulation: SimulationConfig) throws -> [(name: String, bytes: [UInt8])] {
        guard id >= 0, id <= Int64(Int32.max) else { throw NDError("group id \(id) does not fit CoreNEURON's 32-bit ids") }
        var values: [String: Double] = [:]
        for (name, value) in globals(simulation).scalars { values[name] = value }
        let core = try group.coreGroup(id: Int(id), catalog: catalog, vInitMV: simulation.conditions.vInitMV,
                                       replayGidOffset: replayGidOffset, dtMs: simulation.run.dtMs, globals: values)
        let files = [("\(id)_1.dat", core.phase1()), ("\(id)_2.dat", core.phase2())]
        for (name, bytes) in files { try AtomicFile.write(bytes, to: PathUtil.join(folder, name)) }
        return files
    }

    /// The folder's own files; `order` is files.dat's list of group ids. Beside the
    /// folder, `populations_offset.dat` (as neurodamus writes it next to its
    /// coreneuron_input), so that gids in out.dat map back to populations.
    public func finish(simulation: SimulationConfig, replay: [(timeMs: Double, gid: Int64)], order: [Int64],
                       cycles: Int, checksums: String, populationsOffset: String) throws {
        try AtomicFile.write(Array(populationsOffset.utf8), to: PathUtil.join(PathUtil.directory(of: folder), "populations_offset.dat"))
        try AtomicFile.write(catalog.rendered(), to: PathUtil.join(folder, "bbcore_mech.dat"))
        try AtomicFile.write(globals(simulation).rendered(), to: PathUtil.join(folder, "globals.dat"))
        let data = PathUtil.absolute(folder)
        var conf = SimConf()
        conf.set("outpath", PathUtil.absolute(simulation.outputDirectory))
        conf.set("datpath", data)
        conf.set("filesdat", PathUtil.join(data, "files.dat"))
        conf.set("tstop", cFormat("%.17g", simulation.run.tstopMs))
        conf.set("dt", cFormat("%.17g", simulation.run.dtMs))
        conf.set("celsius", cFormat("%.17g", simulation.conditions.celsius))
        conf.set("voltage", cFormat("%.17g", simulation.conditions.vInitMV))
        conf.set("cell-permute", "0")
        if !replay.isEmpty {
            try AtomicFile.write(PatternFile.render(replay.map { ($0.timeMs, $0.gid + replayGidOffset) }), to: PathUtil.join(folder, Self.patternFile))
            conf.set("pattern", PathUtil.join(data, Self.patternFile))
        }
        try AtomicFile.write(conf.rendered(), to: PathUtil.join(folder, "sim.conf"))
        try AtomicFile.write(Array(checksums.utf8), to: PathUtil.join(folder, CoreDataset.checksumFile))
        // NEURON pads the count to 10 columns for one cycle and writes it bare for several.
        let count = cycles == 1 ? String(repeating: " ", count: max(0, 10 - String(order.count).count)) + String(order.count) : String(order.count)
        let text = coreNeuronFormatVersion + "\n" + count + "\n" + order.map { "\($0)\n" }.joined()
        try AtomicFile.write(Array(text.utf8), to: PathUtil.join(folder, "files.dat"))
    }
}
