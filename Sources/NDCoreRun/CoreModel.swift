import NDCLI
import NDEngine
import NDFormats
import NDModel

/// One rank's part of a CoreNEURON dataset, in the engine: entry i of the files.dat when
/// i mod size = rank (up to a -1 entry, CoreNEURON's rule), with the run's settings from
/// the parameters and globals.dat, and the spikes to replay.
public struct CoreModel {
    public let engine: Engine
    /// The files.dat entries this rank loaded.
    public let entries: Int
    /// What CoreNEURON would hold for the same groups [bytes].
    public let coreNeuronBytes: Int

    public init(_ parameters: CoreRunParameters, rank: Int, size: Int) throws {
        let dataset = try CoreDataset(directory: parameters.datpath)
        let list = parameters.filesdat ?? PathUtil.join(parameters.datpath, "files.dat")
        try requireInputFile(list)
        let (ids, gaps) = try CoreDataset.groups(filesDat: list, rank: rank, size: size)
        if gaps { throw NDError(.unsupported, file: list, line: 2, "the model has gap junctions, which nd-core does not simulate") }
        // One group at a time, each mechanism block turned into the engine's form as it
        // is read (its file pages and NEURON's variables let go at once). Every group
        // is read before a missing mechanism is reported, so that the message names
        // them all.
        var models: [ModelGroup] = []
        var missing = Set<String>()
        var coreNeuronBytes = 0
        for (k, id) in ids.enumerated() {
            var loader = DatasetLoader(catalog: dataset.catalog, file: dataset.path(id, phase: 2), localKeyBase: -(Int64(k + 1) << 32))
            let g = try dataset.group(id) { block, partial in try loader.mechanism(&block, in: partial) }
            coreNeuronBytes += CoreNeuronAccount.bytes(of: g, catalog: dataset.catalog)
            missing.formUnion(loader.missing)
            if !missing.isEmpty { continue }
            models.append(try loader.finish(g))
        }
        guard missing.isEmpty else {
            throw NDError(.unsupported, file: parameters.datpath, "mechanisms nd-core does not simulate: \(missing.sorted().joined(separator: ", "))")
        }
        entries = models.count
        self.coreNeuronBytes = coreNeuronBytes
        let settings = try Self.settings(parameters)
        let engine = Engine(groups: consume models, settings: settings)
        if let path = parameters.pattern {
            try requireInputFile(path)
            engine.replay(try PatternFile.read(path, from: 0, to: parameters.tstop).map { Spike(timeMs: $0.timeMs, gid: $0.gid) })
        }
        self.engine = engine
    }

    /// The run's settings: dt and celsius from the parameters, else globals.dat, else
    /// NEURON's defaults; globals.dat's scalars and Random123 index (unless seeded).
    static func settings(_ parameters: CoreRunParameters) throws -> SimulationSettings {
        let globalsPath = PathUtil.join(parameters.datpath, "globals.dat")
        let globals = fileExists(globalsPath) ? try GlobalsFile(parsing: try FileBytes.read(globalsPath), name: globalsPath) : nil
        let dt = parameters.dt ?? globals?["dt"] ?? 0.025, celsius = parameters.celsius ?? globals?["celsius"] ?? 6.3
        if let problem = SimulationLimits.problem("dt", dt, SimulationLimits.dtMs) ?? SimulationLimits.problem("celsius", celsius, SimulationLimits.celsius) {
            throw NDError(.outOfRange, file: globalsPath, problem)
        }
        var globalValues: [String: Double] = [:]
        for (name, value) in globals?.scalars ?? [] { globalValues[name] = value }
        let randomIndex = parameters.seed.map { UInt32($0) } ?? UInt32(truncatingIfNeeded: globals?.random123GlobalIndex ?? 0)
        return SimulationSettings(dtMs: dt, tstopMs: parameters.tstop, celsius: celsius, vInitMV: parameters.voltage,
                                  globals: globalValues, randomGlobalIndex: randomIndex)
    }
}
