import ArgumentParser
import CMalloc
import NDCLI
import NDComm
import NDCoreRun
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

    @OptionGroup var progress: ProgressOption

    func validate() throws {
        // Usage errors (64): the same ranges as sim.conf's and globals.dat's values.
        for (option, value, range): (String, Double?, ClosedRange<Double>) in [("--dt", dt, SimulationLimits.dtMs), ("--tstop", tstop, SimulationLimits.tstopMs),
                                       ("--celsius", celsius, SimulationLimits.celsius), ("--voltage", voltage, SimulationLimits.voltageMV)] {
            if let value, let problem = SimulationLimits.problem(option, value, range) { throw ValidationError(problem + ".") }
        }
        guard ranksPerMachine >= 1 else { throw ValidationError("--ranks-per-machine must be at least 1.") }
    }

    func run() throws {
        // Large blocks straight from and back to the system: loading builds the engine's
        // arrays while the decoded groups still exist, and glibc's default (a threshold
        // that grows as blocks are freed) would keep those freed megabytes in the heap
        // for the whole run.
        mallopt(M_MMAP_THRESHOLD, 128 << 10)
        let comm = try makeCommunicator()
        defer { finish(comm) }
        let diagnostics = Diagnostics(tool: "nd-core")
        try diagnostics.run {
            try CoreRun(comm: comm, diagnostics: diagnostics).run(
                .init(datpath: datpath, filesdat: filesdat, outpath: outpath, pattern: pattern,
                      tstop: tstop, dt: dt, celsius: celsius, voltage: voltage, seed: seed),
                configFile: readConfig, modelStats: modelStats, ranksPerMachine: ranksPerMachine,
                showProgress: progress.progress)
        }
    }
}
