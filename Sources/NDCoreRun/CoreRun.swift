#if canImport(Glibc)
import Glibc
#endif
import CMalloc
import NDCLI
import NDComm
import NDEngine
import NDFormats
import NDModel

/// What nd-core does on every rank, apart from its command line: the parameters resolved
/// and this rank's groups loaded (all ranks stopping together if any failed), the model's
/// counts (`--model-stats`), the run with a progress bar on rank 0, and out.dat and
/// memory.jsonl written by rank 0.
public struct CoreRun {
    public let comm: Communicator
    public let diagnostics: Diagnostics

    public init(comm: Communicator, diagnostics: Diagnostics) {
        self.comm = comm
        self.diagnostics = diagnostics
    }

    public func run(_ given: CoreRunParameters.Given, configFile: String?, modelStats: Bool,
                    ranksPerMachine: Int, showProgress: Bool) throws {
        let loadStart = monotonicSeconds()
        var loaded: (parameters: CoreRunParameters, model: CoreModel)? = nil
        var failure: Error? = nil
        do {
            let parameters = try CoreRunParameters(given, configFile: configFile)
            loaded = (parameters, try CoreModel(parameters, rank: comm.rank, size: comm.size))
            malloc_trim(0)
        } catch { failure = error }
        try stopAllIfAnyFailed(comm, failure)
        let (parameters, model) = loaded!
        let engine = model.engine
        if modelStats { try reportCounts(model) }
        let loadSeconds = monotonicSeconds() - loadStart

        let runStart = monotonicSeconds()
        let steps = Int((parameters.tstop / engine.settings.dtMs).rounded())
        let bar = ProgressBar("simulate \(cFormat("%g", parameters.tstop)) ms", total: comm.rank == 0 ? steps : 0, force: showProgress)
        var shown = 0
        // A run stopped on every rank (a membrane potential no longer finite) is each
        // rank's error, thrown by each.
        let mine = try Simulation(engine: engine, comm: comm).run { done, _ in
            bar.advance(by: done - shown)
            shown = done
        }
        bar.finish()
        let runSeconds = monotonicSeconds() - runStart

        // Every rank's spikes and memory record to rank 0, which writes both files.
        let all = try comm.allGatherVariable(mine)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let records = try comm.allGather([RankRecord(
            rank: comm.rank, entries: model.entries, cells: engine.cellCount, compartments: engine.compartmentCount,
            synapses: engine.synapseCount, modelBytes: engine.modelBytes, coreNeuronBytes: model.coreNeuronBytes,
            peakRSSBytes: Int(usage.ru_maxrss) * 1024, loadSeconds: loadSeconds, runSeconds: runSeconds)])
        guard comm.rank == 0 else { return }
        let spikes = all.sorted()
        try CoreOutputs.write(spikes: spikes, records: records, ranksPerMachine: ranksPerMachine, to: parameters.outpath)
        diagnostics.info(CoreReport.done(spikes: spikes.count, ranks: comm.size, runSeconds: runSeconds, output: parameters.outpath))
    }

    /// The model's counts summed over the ranks, said by rank 0.
    func reportCounts(_ model: CoreModel) throws {
        let e = model.engine
        let counts = ModelCounts(summed: try comm.allSum(ModelCounts(
            cells: e.cellCount, nodes: e.nodeCount, compartments: e.compartmentCount, synapses: e.synapseCount,
            netcons: e.connectionCount, modelBytes: e.modelBytes, coreNeuronBytes: model.coreNeuronBytes).values))
        if comm.rank == 0 { for line in counts.lines(ranks: comm.size) { diagnostics.info(line) } }
    }
}
