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

    /// Writes group `id`; returns its two files' names, sizes and CRC-32s (for the
    /// checksums). Its time goes to `seconds`: turning the group into CoreNEURON's arrays
    /// is measured part by part (`ModelGroup.coreGroup`); the files' bytes, their writing
    /// and checksums are one stream, split between `writeCells` and `writeSynapses` in
    /// proportion to the bytes of the synapses' part (`synapseBytes`).
    public func write(_ group: ModelGroup, id: Int64, simulation: SimulationConfig,
                      seconds: inout PhaseSeconds) throws -> [(name: String, size: Int, crc: UInt32)] {
        guard id >= 0, id <= Int64(Int32.max) else { throw NDError(.outOfRange, "group id \(id) does not fit CoreNEURON's 32-bit ids") }
        var values: [String: Double] = [:]
        for (name, value) in globals(simulation).scalars { values[name] = value }
        let core = try group.coreGroup(id: Int(id), catalog: catalog, vInitMV: simulation.conditions.vInitMV,
                                       replayGidOffset: replayGidOffset, dtMs: simulation.run.dtMs, globals: values,
                                       seconds: &seconds)
        var watch = PhaseStopwatch()
        var written: [(name: String, size: Int, crc: UInt32)] = []
        var total = 0
        for (name, bytes) in [("\(id)_1.dat", core.phase1()), ("\(id)_2.dat", core.phase2())] {
            try AtomicFile.write(bytes, to: PathUtil.join(folder, name))
            written.append((name, bytes.count, crc32Checksum(bytes)))
            total += bytes.count
        }
        let elapsed = watch.lap()
        let share = total > 0 ? min(1, Double(Self.synapseBytes(core, catalog: catalog)) / Double(total)) : 0
        seconds.writeSynapses += elapsed * share
        seconds.writeCells += elapsed * (1 - share)
        return written
    }

    /// The bytes of a group's files that hold its synapses: the synapse mechanisms'
    /// blocks (node indices, variables, pdata, random streams, BBCOREPOINTER data) and
    /// the connections (source gids, target types and instances, weights, delays).
    public static func synapseBytes(_ core: CoreGroup, catalog: MechanismCatalog) -> Int {
        let synapseTypes = Set(MechanismTable.synapses.compactMap { catalog.type(named: $0.layout.name) })
        var bytes = core.netconSourceGids.count * 4 + core.netconTargetType.count * 4 + core.netconTargetIndex.count * 4
            + core.weights.count * 8 + core.delays.count * 8
        for m in core.mechanisms where synapseTypes.contains(m.type) {
            bytes += (m.nodeIndices?.count ?? 0) * 4 + m.data.count * 8 + m.pdata.count * 4 + m.random.count * 4
        }
        for p in core.corePointers where synapseTypes.contains(p.type) { bytes += p.ints.count * 4 + p.doubles.count * 8 }
        return bytes
    }

    /// The folder's own files; `order` is files.dat's list of group ids. Beside the
    /// folder, `populations_offset.dat` (as neurodamus writes it next to its
    /// coreneuron_input), so that gids in out.dat map back to populations.
    public func finish(simulation: SimulationConfig, replay: [(timeMs: Double, gid: Gid)], order: [Int64],
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
            try AtomicFile.write(PatternFile.render(replay.map { ($0.timeMs, $0.gid.rawValue + replayGidOffset) }), to: PathUtil.join(folder, Self.patternFile))
            conf.set("pattern", PathUtil.join(data, Self.patternFile))
        }
        try AtomicFile.write(conf.rendered(), to: PathUtil.join(folder, "sim.conf"))
        try AtomicFile.write(Array(checksums.utf8), to: PathUtil.join(folder, CoreDataset.checksumFile))
        // NEURON pads the count to 10 columns for one cycle and writes it bare for several.
        try AtomicFile.write(FilesDat.render(version: coreNeuronFormatVersion, entries: order.map { String($0) }, countWidth: cycles == 1 ? 10 : 0),
                             to: PathUtil.join(folder, "files.dat"))
    }
}
