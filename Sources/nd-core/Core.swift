#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import NDCLI
import NDComm
import NDFormats
import NDModel
import NDSim
import NDSonata

@main
struct Core: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-core",
        abstract: "Simulate a model written by nd-instantiate, under MPI: the special-core -d DIR -f FILE step.",
        discussion: """
            Rank r of R loads entry i of FILES_DAT when i mod R = r, skipping -1 (CoreNEURON's \
            rule), so a rebalanced files.dat changes what each rank holds. Spikes are exchanged \
            once per minimum connection delay. Writes OUTDIR/out.dat (time and gid per spike, \
            sorted by time then gid) and OUTDIR/memory.jsonl (one object per rank).

            Examples:
              nd-core -d out/coreneuron_input -f out/coreneuron_input/files.dat -o out
              mpirun -np 4 nd-core -d out/coreneuron_input -f rebalanced.dat -o out --ranks-per-machine 2
            """)

    @Option(name: .customShort("d"), help: ArgumentHelp("The model folder (coreneuron_input).", valueName: "DIR"))
    var dataDir: String

    @Option(name: .customShort("f"), help: ArgumentHelp("The files.dat to load (default: DIR/files.dat).", valueName: "FILES_DAT"))
    var filesDat: String?

    @Option(help: "Simulated time [ms] (default: run.json's).")
    var tstop: Double?

    @Option(help: "Time step [ms] (default: run.json's).")
    var dt: Double?

    @Option(name: .shortAndLong, help: ArgumentHelp("Folder for out.dat and memory.jsonl (default: the simulation config's output_dir).", valueName: "OUTDIR"))
    var output: String?

    @Option(help: "Ranks per machine, for the machine field of memory.jsonl.")
    var ranksPerMachine: Int = 1

    @Flag(help: "Show a progress bar on stderr (rank 0) even when it is not a terminal.")
    var progress = false

    func validate() throws {
        if let dt, dt <= 0 { throw ValidationError("--dt must be > 0.") }
        if let tstop, tstop < 0 { throw ValidationError("--tstop must be >= 0.") }
        guard ranksPerMachine >= 1 else { throw ValidationError("--ranks-per-machine must be at least 1.") }
    }

    func run() throws {
        let comm = try makeCommunicator()
        defer { finish(comm) }
        let loadStart = monotonicSeconds()
        var engine: Engine? = nil
        var outputFolder = output ?? "."
        var entries = 0
        var failure: Error? = nil
        do {
            let list = filesDat ?? PathUtil.join(dataDir, "files.dat")
            try requireInputFile(list)
            let parameters = try RunParametersFile(contentsOf: PathUtil.join(dataDir, "run.json"))
            outputFolder = output ?? parameters.outputDirectory ?? "."
            let index = try FilesDat(contentsOf: list)
            // A files.dat this tool did not write is not an ndtools model (e.g. CoreNEURON's own).
            guard index.version == RunParametersFile.filesDatVersion else {
                throw NDError(file: list, line: 1, "version '\(index.version)', expected '\(RunParametersFile.filesDatVersion)' (a model written by nd-instantiate)")
            }
            var groups: [ModelGroup] = []
            for (i, entry) in index.entries.enumerated() where i % comm.size == comm.rank && entry != FilesDat.emptySlot {
                let names = ["_1.dat", "_2.dat", "_3.dat"].map { PathUtil.join(dataDir, entry + $0) }
                let bytes = try names.map { try FileBytes.read($0) }
                groups.append(try ModelGroup(network: bytes[0], cells: bytes[1], gapJunctions: bytes[2], names: names))
                guard String(groups.last!.entry) == entry else {
                    throw NDError(file: names[1], "holds entry \(groups.last!.entry), files.dat line \(FilesDat.lineNumber(ofEntry: i)) names \(entry)")
                }
            }
            entries = groups.count
            let settings = SimulationSettings(dtMs: dt ?? parameters.dtMs, tstopMs: tstop ?? parameters.tstopMs,
                                              celsius: parameters.celsius, vInitMV: parameters.vInitMV)
            engine = Engine(groups: groups, settings: settings)
        } catch { failure = error }
        try stopAllIfAnyFailed(comm, failure, tool: "nd-core")
        let engine_ = engine!
        let loadSeconds = monotonicSeconds() - loadStart

        // Spikes cross ranks once per minimum delay: an event is never due before the exchange that carries it.
        let runStart = monotonicSeconds()
        let minDelay = -(try comm.allMax([-(engine_.minimumDelayMs.isFinite ? engine_.minimumDelayMs : 1e9)])[0])
        let dtMs = engine_.settings.dtMs
        let steps = Int((engine_.settings.tstopMs / dtMs).rounded())
        let interval = max(1, Int((minDelay / dtMs + 1e-9).rounded(.down)))
        var mine: [Spike] = []
        let bar = ProgressBar("simulate \(cFormat("%g", engine_.settings.tstopMs)) ms", total: comm.rank == 0 ? steps : 0, force: progress)
        for s in 0..<steps {
            if s % 100 == 0 { bar.advance(by: s == 0 ? 0 : 100) }
            engine_.step()
            if (s + 1) % interval == 0 || s + 1 == steps {
                let local = engine_.takeSpikes()
                mine += local
                let flat = try comm.allGatherVariable(local.flatMap { [$0.timeMs, Double($0.gid)] })
                engine_.receive(stride(from: 0, to: flat.count, by: 2).map { Spike(timeMs: flat[$0], gid: Int64(flat[$0 + 1])) })
            }
        }
        bar.advance(by: steps % 100 == 0 ? 100 : steps % 100)
        bar.finish()
        let runSeconds = monotonicSeconds() - runStart

        // Output: every rank's spikes and memory record to rank 0, which writes both files.
        let flat = try comm.allGatherVariable(mine.flatMap { [$0.timeMs, Double($0.gid)] })
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let compartments = engine_.compartmentCount
        let record: [Double] = [Double(comm.rank), Double(entries), Double(engine_.cellCount), Double(compartments),
                                Double(engine_.synapseCount), Double(engine_.modelBytes), Double(usage.ru_maxrss) * 1024,
                                loadSeconds, runSeconds]
        let records = try comm.allGather(record)
        if comm.rank == 0 {
            do {
                let output = outputFolder
                try makeDirectories(output)
                var spikes = stride(from: 0, to: flat.count, by: 2).map { Spike(timeMs: flat[$0], gid: Int64(flat[$0 + 1])) }
                spikes.sort()
                let text = spikes.map { cFormat("%.8g", $0.timeMs) + "\t\($0.gid)\n" }.joined()
                try AtomicFile.write(Array(text.utf8), to: PathUtil.join(output, "out.dat"))
                var jsonl: [UInt8] = []
                for r in 0..<comm.size {
                    let x = Array(records[(r * record.count)..<((r + 1) * record.count)])
                    jsonl += Array(try JSONCodec.encode(.object([
                        "rank": .int(Int64(x[0])), "machine": .int(Int64(x[0]) / Int64(ranksPerMachine)),
                        "entries": .int(Int64(x[1])), "cells": .int(Int64(x[2])), "compartments": .int(Int64(x[3])),
                        "synapses": .int(Int64(x[4])), "model_bytes": .int(Int64(x[5])), "peak_rss_bytes": .int(Int64(x[6])),
                        "load_seconds": .double((x[7] * 1000).rounded() / 1000), "run_seconds": .double((x[8] * 1000).rounded() / 1000),
                    ])).utf8) + [0x0A]
                }
                try AtomicFile.write(jsonl, to: PathUtil.join(output, "memory.jsonl"))
                StandardError.write("nd-core: \(spikes.count) spikes, \(comm.size) ranks, \(cFormat("%.2f", runSeconds)) s -> \(output)/out.dat\n")
            } catch {
                StandardError.write("nd-core: error: \(error)\n")
                throw ExitCode(1)
            }
        }
    }
}


