import ArgumentParser
import NDCLI
import NDFormats
import NDModel
import NDSonata

@main
struct CircuitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-circuit",
        abstract: "Describe SONATA circuits, and generate realistic ones of any size.",
        subcommands: [Describe.self, Synth.self, MorphologyCommand.self])
}

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a circuit's populations, cells per metype, morphology sizes and edge counts.",
        discussion: """
            CONFIG is a circuit_config.json or a simulation_config.json (its network is used).

            Examples:
              nd-circuit describe examples/circuit/simulation_config.json
              nd-circuit describe circuit_config.json --json | jq '.metypes[] | {metype, cells}'
              nd-circuit describe circuit_config.json --cells | jq -s 'max_by(.afferent_synapses)'
            """)

    @Argument(help: "circuit_config.json or simulation_config.json.")
    var config: String

    @Flag(help: "Print one JSON object instead of the tables.")
    var json = false

    @Flag(help: "Print JSON-lines, one object per cell (population, node_id, metype, morphology, model_template, afferent_synapses).")
    var cells = false

    @Flag(help: "Do not open the morphologies (faster on large circuits).")
    var noMorphologies = false

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-circuit")
        try diagnostics.run {
            let circuit = try Circuit(path: try CircuitConfig.path(namedBy: config))
            let description = try CircuitDescription(circuit, readMorphologies: !noMorphologies && !cells, listCells: cells)
            let out = StandardOutput()
            if cells {
                let writer = JSONLinesWriter(out)
                for c in description.cells { try writer.write(c.record) }
            } else if json {
                try out.write(try JSONCodec.encodePretty(.object(description.json(config: circuit.config.path))))
            } else {
                try out.write(description.text(config: circuit.config.path))
            }
            try out.flush()
        }
    }
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a complete SONATA circuit that looks like a cortical one for load balancing.",
        discussion: """
            OUT_DIR gets nodes.h5, edges.h5 (sorted by target, with indices), SWC morphologies, \
            nd: electrical models, node_sets.json, circuit_config.json and \
            simulation_config.json (a current clamp per mtype). Eight metypes whose morphologies \
            differ about ten-fold in size and whose synapse counts differ several-fold, \
            heavy-tailed. The same options give the same bytes.

            Examples:
              nd-circuit synth --cells 500 --populations 2 --seed 1 examples/circuit
              nd-circuit synth --cells 100000 --synapses-per-cell 100 /scratch/big
              nd-circuit synth --cells 20000 --layout layered:8 /scratch/slab   # round-robin's worst case on 8 ranks
            """)

    @Option(help: "Number of cells.")
    var cells: Int

    @Option(help: "Number of node populations (S1, S2, ...).")
    var populations = 2

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Mean afferent synapses per cell.")
    var synapsesPerCell: Double = 100

    @Option(help: "Simulated time of the simulation config [ms].")
    var tstop: Double = 200

    @Option(help: ArgumentHelp(
        "How node ids follow the cell types: 'random' (each type spread evenly) or 'layered:D' (a grid of columns of D depth positions, numbered depth fastest, each depth in its layer: node id mod D is the layer).",
        valueName: "layout"))
    var layout = "random"

    @Option(help: ArgumentHelp(
        "The synapses the edges describe: 'stochastic' (with u_syn, depression_time, facilitation_time, n_rrp_vesicles and conductance_scale_factor, from which nd-instantiate builds neurodamus's ProbAMPANMDA_EMS and ProbGABAAB_EMS) or 'exp' (without them: ExpSyn and Exp2Syn, which NEURON's own CoreNEURON runs).",
        valueName: "kind"))
    var synapses = "stochastic"

    @Argument(help: "Folder to write the circuit into (created if missing).")
    var outDir: String

    func validate() throws {
        guard cells >= 1 else { throw ValidationError("--cells must be at least 1, got \(cells).") }
        guard populations >= 1 && populations <= cells else {
            throw ValidationError("--populations must be between 1 and --cells, got \(populations).")
        }
        guard synapsesPerCell >= 0 else { throw ValidationError("--synapses-per-cell must be >= 0.") }
        _ = try parsedLayout()
        guard ["stochastic", "exp"].contains(synapses) else {
            throw ValidationError("--synapses must be 'stochastic' or 'exp', got '\(synapses)'.")
        }
    }

    private func parsedLayout() throws -> SynthLayout {
        guard let parsed = SynthLayout(text: layout) else {
            throw ValidationError("--layout must be 'random' or 'layered:D' with D >= 1, got '\(layout)'.")
        }
        return parsed
    }

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-circuit")
        try diagnostics.run {
            var options = SynthOptions(cells: cells)
            options.populations = populations
            options.seed = seed
            options.synapsesPerCell = synapsesPerCell
            options.tstopMs = tstop
            options.layout = try parsedLayout()
            options.stochasticSynapses = synapses == "stochastic"
            let started = monotonicSeconds()
            let summary = try CircuitSynthesizer(options).write(to: outDir) { step in
                if StandardError.isTerminal { diagnostics.info("writing \(step)...") }
            }
            diagnostics.info("wrote \(outDir): \(summary.cells) cells in \(summary.populations.joined(separator: ", ")), "
                + "\(summary.synapses) synapses, \(summary.morphologies) morphologies "
                + "(\(cFormat("%.1f", monotonicSeconds() - started)) s)")
        }
    }
}

struct MorphologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "morphology",
        abstract: "Print the size of morphology files (SWC, ASC, HDF5) as JSON-lines.",
        discussion: """
            One object per file: sections (neurites, the soma not counted), points (neurite \
            points, a child section starting with its parent's last point, as MorphIO counts \
            them), soma_points, soma_diameter_um, neurite_length_um and sections per type.

            Example:
              nd-circuit morphology examples/circuit/morphologies/*.swc | jq .sections
            """)

    @Argument(help: "Morphology files.")
    var files: [String]

    @Flag(help: "Add per-section lists: section_types, section_parents (-1: the soma), section_points.")
    var sections = false

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-circuit")
        try diagnostics.run {
            let out = StandardOutput()
            let writer = JSONLinesWriter(out)
            for file in files {
                try writer.write(try MorphologyReader.read(file).record(file: file, sections: sections))
            }
            try out.flush()
        }
    }
}
