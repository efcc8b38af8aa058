#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CMalloc
import NDCLI
import NDComm
import NDEngine
import NDFormats
import NDModel

@main
struct Core: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-core",
        abstract: "Simulate a CoreNEURON dataset under MPI: special-core's -d DIR -f FILE step.",
        discussion: """
            Reads a CoreNEURON dataset (format 1.8: what nd-instantiate writes, and what \
            NEURON's pc.nrncore_write writes) with special-core's command line. Rank r of R \
            loads entry i of FILESDAT when i mod R = r; at a -1 entry the rank takes no \
            more (CoreNEURON's rule). Parameters come from the command line, else from \
            --read-config's sim.conf, else CoreNEURON's defaults (tstop 100 ms, voltage \
            -65 mV; dt and celsius from the dataset's globals.dat). Spikes are exchanged \
            once per minimum connection delay. Writes OUTPATH/out.dat as CoreNEURON does \
            (time and gid per spike, sorted by time then gid) and OUTPATH/memory.jsonl \
            (one object per rank). A dataset with ndtools-checksums.txt is checked file by \
            file before anything is simulated.

            Examples:
              nd-core -d out/coreneuron_input -o out -e 50
              nd-core --read-config out/coreneuron_input/sim.conf
              mpirun -np 4 nd-core -d out/coreneuron_input -f rebalanced.dat -o out --ranks-per-machine 2
            """)

    @Option(name: [.customShort("d"), .long], help: ArgumentHelp("The dataset folder (coreneuron_input).", valueName: "DIR"))
    var datpath: String?

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("The files.dat to load (default: DIR/files.dat).", valueName: "FILE"))
    var filesdat: String?

    @Option(name: [.customShort("e"), .long], help: "Stop time [ms] (default 100).")
    var tstop: Double?

    @Option(help: "Time step [ms] (default: globals.dat's).")
    var dt: Double?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Folder for out.dat and memory.jsonl (default: .).", valueName: "DIR"))
    var outpath: String?

    // Negative values follow the option as their own word (`-v -65`), as special-core takes them.
    @Option(name: [.customShort("l"), .long], parsing: .unconditional, help: "Temperature [°C] (default: globals.dat's).")
    var celsius: Double?

    @Option(name: [.customShort("v"), .long], parsing: .unconditional, help: "Initial voltage [mV] (default -65).")
    var voltage: Double?

    @Option(name: [.customShort("p"), .long], help: ArgumentHelp("Spikes to replay (`time gid` lines after a header line).", valueName: "FILE"))
    var pattern: String?

    @Option(name: [.customShort("s"), .long], help: "Random123's global index for every stream (default: the dataset's globals.dat).")
    var seed: Int?

    @Option(name: .customLong("read-config"), help: ArgumentHelp("Parameters from an ini file (sim.conf: key=value, special-core's long option names).", valueName: "FILE"))
    var readConfig: String?

    @Flag(help: "Accepted for special-core's command line: MPI is used when started by mpirun.")
    var mpi = false

    @Option(name: .customLong("mpi-lib"), help: ArgumentHelp("Accepted for special-core's command line; ignored.", valueName: "LIB"))
    var mpiLib: String?

    @Flag(name: .customLong("model-stats"), help: "Print the model's counts (cells, nodes, mechanism instances, netcons) before simulating.")
    var modelStats = false

    @Option(help: "Ranks per machine, for the machine field of memory.jsonl.")
    var ranksPerMachine: Int = 1

    @Flag(help: "Show a progress bar on stderr (rank 0) even when it is not a terminal.")
    var progress = false

    func validate() throws {
        // Usage errors (64): the same ranges as sim.conf's and globals.dat's values.
        for (option, value, range): (String, Double?, ClosedRange<Double>) in [("--dt", dt, SimulationLimits.dtMs), ("--tstop", tstop, SimulationLimits.tstopMs),
                                       ("--celsius", celsius, SimulationLimits.celsius), ("--voltage", voltage, SimulationLimits.voltageMV)] {
            if let value, let problem = SimulationLimits.problem(option, value, range) { throw ValidationError(problem + ".") }
        }
        guard ranksPerMachine >= 1 else { throw ValidationError("--ranks-per-machine must be at least 1.") }
    }

    /// The run's parameters: command line, else sim.conf, else CoreNEURON's defaults.
    struct Parameters {
        var datpath = ".", filesdat: String? = nil, outpath = ".", pattern: String? = nil
        var tstop = 100.0, dt: Double? = nil, celsius: Double? = nil, voltage = -65.0, seed: Double? = nil
    }

    func resolvedParameters() throws -> Parameters {
        var p = Parameters()
        if let path = readConfig {
            try requireInputFile(path)
            let conf = try SimConf(parsing: try FileBytes.read(path), name: path)
            p.datpath = conf["datpath"] ?? p.datpath
            p.filesdat = conf["filesdat"]
            p.outpath = conf["outpath"] ?? p.outpath
            p.pattern = conf["pattern"]
            p.tstop = try conf.number("tstop", file: path) ?? p.tstop
            p.dt = try conf.number("dt", file: path)
            p.celsius = try conf.number("celsius", file: path)
            p.voltage = try conf.number("voltage", file: path) ?? p.voltage
            p.seed = try conf.number("seed", file: path)
        }
        if let datpath { p.datpath = datpath }
        if let filesdat { p.filesdat = filesdat }
        if let outpath { p.outpath = outpath }
        if let pattern { p.pattern = pattern }
        if let tstop { p.tstop = tstop }
        if let dt { p.dt = dt }
        if let celsius { p.celsius = celsius }
        if let voltage { p.voltage = voltage }
        if let seed { p.seed = Double(seed) }
        if let seed = p.seed, !(0...Double(UInt32.max)).contains(seed) || seed != seed.rounded() {
            throw NDError(file: readConfig, "seed \(seed): expected an integer in 0...\(UInt32.max)")
        }
        for (key, value, range): (String, Double?, ClosedRange<Double>) in [("tstop", p.tstop, SimulationLimits.tstopMs), ("dt", p.dt, SimulationLimits.dtMs),
                                    ("celsius", p.celsius, SimulationLimits.celsius), ("voltage", p.voltage, SimulationLimits.voltageMV)] {
            if let value, let problem = SimulationLimits.problem(key, value, range) { throw NDError(file: readConfig, problem) }
        }
        return p
    }

    /// A byte count as CoreNEURON prints its model size.
    static func size(_ bytes: Double) -> String {
        if bytes < 1024 { return "\(Int(bytes)) bytes" }
        for (unit, scale) in [("kB", 1024.0), ("MB", 1048576.0), ("GB", 1073741824.0)] where bytes < scale * 1024 || unit == "GB" {
            return cFormat("%.2f", bytes / scale) + " " + unit
        }
        return ""
    }

    func run() throws {
        // Large blocks straight from and back to the system: loading builds the engine's
        // arrays while the decoded groups still exist, and glibc's default (a threshold
        // that grows as blocks are freed) would keep those freed megabytes in the heap
        // for the whole run.
        mallopt(M_MMAP_THRESHOLD, 128 << 10)
        let comm = try makeCommunicator()
        defer { finish(comm) }
        let loadStart = monotonicSeconds()
        var engine: Engine? = nil
        var parameters = Parameters()
        var entries = 0
        var coreNeuronBytes = 0  // what CoreNEURON would hold for the same groups
        var failure: Error? = nil
        do {
            parameters = try resolvedParameters()
            let dataset = try CoreDataset(directory: parameters.datpath)
            let list = parameters.filesdat ?? PathUtil.join(parameters.datpath, "files.dat")
            try requireInputFile(list)
            let (ids, gaps) = try CoreDataset.groups(filesDat: list, rank: comm.rank, size: comm.size)
            if gaps { throw NDError(file: list, line: 2, "the model has gap junctions, which nd-core does not simulate") }
            // One group at a time, each mechanism block turned into the engine's form as it
            // is read (its file pages and NEURON's variables let go at once). Every group
            // is read before a missing mechanism is reported, so that the message names
            // them all.
            var models: [ModelGroup] = []
            var missing = Set<String>()
            for (k, id) in ids.enumerated() {
                var loader = DatasetLoader(catalog: dataset.catalog, file: dataset.path(id, phase: 2), localKeyBase: -(Int64(k + 1) << 32))
                let g = try dataset.group(id) { block, partial in try loader.mechanism(&block, in: partial) }
                coreNeuronBytes += CoreNeuronAccount.bytes(of: g, catalog: dataset.catalog)
                missing.formUnion(loader.missing)
                if !missing.isEmpty { continue }
                models.append(try loader.finish(g))
            }
            guard missing.isEmpty else {
                throw NDError(file: parameters.datpath, "mechanisms nd-core does not simulate: \(missing.sorted().joined(separator: ", "))")
            }
            entries = models.count
            let globalsPath = PathUtil.join(parameters.datpath, "globals.dat")
            let globals = fileExists(globalsPath) ? try GlobalsFile(parsing: try FileBytes.read(globalsPath), name: globalsPath) : nil
            let dt = parameters.dt ?? globals?["dt"] ?? 0.025, celsius = parameters.celsius ?? globals?["celsius"] ?? 6.3
            if let problem = SimulationLimits.problem("dt", dt, SimulationLimits.dtMs) ?? SimulationLimits.problem("celsius", celsius, SimulationLimits.celsius) {
                throw NDError(file: globalsPath, problem)
            }
            var globalValues: [String: Double] = [:]
            for (name, value) in globals?.scalars ?? [] { globalValues[name] = value }
            let randomIndex = parameters.seed.map { UInt32($0) } ?? UInt32(truncatingIfNeeded: globals?.random123GlobalIndex ?? 0)
            let settings = SimulationSettings(dtMs: dt, tstopMs: parameters.tstop, celsius: celsius, vInitMV: parameters.voltage,
                                              globals: globalValues, randomGlobalIndex: randomIndex)
            let e = Engine(groups: consume models, settings: settings)
            if let path = parameters.pattern {
                try requireInputFile(path)
                e.replay(try PatternFile.read(path, from: 0, to: parameters.tstop).map { Spike(timeMs: $0.timeMs, gid: $0.gid) })
            }
            engine = e
            malloc_trim(0)
        } catch { failure = error }
        try stopAllIfAnyFailed(comm, failure, tool: "nd-core")
        let engine_ = engine!
        if modelStats {
            let counts = try comm.allSum([Double(engine_.cellCount), Double(engine_.nodeCount), Double(engine_.compartmentCount),
                                          Double(engine_.synapseCount), Double(engine_.connectionCount),
                                          Double(engine_.modelBytes), Double(coreNeuronBytes)])
            if comm.rank == 0 {
                StandardError.write("nd-core: model: \(Int(counts[0])) cells, \(Int(counts[1])) nodes (\(Int(counts[2])) with membrane), \(Int(counts[3])) synapses, \(Int(counts[4])) netcons on \(comm.size) ranks\n")
                StandardError.write("nd-core: model size: \(Self.size(counts[5])) here, \(Self.size(counts[6])) in CoreNEURON's layout\n")
            }
        }
        let loadSeconds = monotonicSeconds() - loadStart

        let runStart = monotonicSeconds()
        let steps = Int((parameters.tstop / engine_.settings.dtMs).rounded())
        let bar = ProgressBar("simulate \(cFormat("%g", parameters.tstop)) ms", total: comm.rank == 0 ? steps : 0, force: progress)
        var shown = 0
        let mine = try Simulation(engine: engine_, comm: comm).run { done, _ in
            bar.advance(by: done - shown)
            shown = done
        }
        bar.finish()
        let runSeconds = monotonicSeconds() - runStart

        // Output: every rank's spikes and memory record to rank 0, which writes both files.
        let all = try comm.allGatherVariable(mine)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let records = try comm.allGather([RankRecord(
            rank: comm.rank, entries: entries, cells: engine_.cellCount, compartments: engine_.compartmentCount,
            synapses: engine_.synapseCount, modelBytes: engine_.modelBytes, coreNeuronBytes: coreNeuronBytes,
            peakRSSBytes: Int(usage.ru_maxrss) * 1024, loadSeconds: loadSeconds, runSeconds: runSeconds)])
        if comm.rank == 0 {
            do {
                let output = parameters.outpath
                try makeDirectories(output)
                let spikes = all.sorted()
                let text = spikes.map { cFormat("%.8g", $0.timeMs) + "\t\($0.gid)\n" }.joined()
                try AtomicFile.write(Array(text.utf8), to: PathUtil.join(output, "out.dat"))
                var jsonl: [UInt8] = []
                for x in records {
                    jsonl += Array(try JSONCodec.encode(.object([
                        "rank": .int(Int64(x.rank)), "machine": .int(Int64(x.rank / ranksPerMachine)),
                        "entries": .int(Int64(x.entries)), "cells": .int(Int64(x.cells)), "compartments": .int(Int64(x.compartments)),
                        "synapses": .int(Int64(x.synapses)), "model_bytes": .int(Int64(x.modelBytes)),
                        "coreneuron_model_bytes": .int(Int64(x.coreNeuronBytes)), "peak_rss_bytes": .int(Int64(x.peakRSSBytes)),
                        "load_seconds": .double((x.loadSeconds * 1000).rounded() / 1000), "run_seconds": .double((x.runSeconds * 1000).rounded() / 1000),
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

/// One rank's line of memory.jsonl, gathered to rank 0.
struct RankRecord: BitwiseCopyable {
    var rank: Int, entries: Int, cells: Int, compartments: Int, synapses: Int
    var modelBytes: Int, coreNeuronBytes: Int, peakRSSBytes: Int
    var loadSeconds: Double, runSeconds: Double
}
