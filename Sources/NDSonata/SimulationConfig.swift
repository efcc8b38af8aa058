import NDFormats
import NDModel

/// The `run` section.
public struct RunParameters: Equatable, Sendable {
    /// Simulated time [ms].
    public var tstopMs: Double
    /// Time step [ms] (SONATA's default 0.025).
    public var dtMs: Double
    public var randomSeed: Int64
    /// Added to every synapse's Random123 stream id (neurodamus's `synapse_seed`, default 0).
    public var synapseSeed: Int64 = 0
    /// Somatic voltage [mV] whose upward crossing is a spike (SONATA's default -30).
    public var spikeThresholdMV: Double = -30

    public init(tstopMs: Double, dtMs: Double, randomSeed: Int64, spikeThresholdMV: Double = -30) {
        self.tstopMs = tstopMs; self.dtMs = dtMs; self.randomSeed = randomSeed; self.spikeThresholdMV = spikeThresholdMV
    }
}

/// The `conditions` section.
public struct Conditions: Equatable, Sendable {
    /// Temperature [°C] (default 34, neurodamus's).
    public var celsius: Double
    /// Initial membrane potential [mV] (default -80).
    public var vInitMV: Double
    /// GABA_A rise times drawn per synapse from a lognormal (neurodamus's
    /// `randomize_gaba_rise_time`), instead of 0.2 ms.
    public var randomizeGABARiseTime = false

    public init(celsius: Double, vInitMV: Double, randomizeGABARiseTime: Bool = false) {
        self.celsius = celsius; self.vInitMV = vInitMV; self.randomizeGABARiseTime = randomizeGABARiseTime
    }
}

/// A stimulus or spike source of the `inputs` section.
public enum SimulationInput: Equatable, Sendable {
    /// `current_clamp`: `linear` (a ramp from `ampStart` to `ampEnd`) or `pulse` (a train of
    /// `widthMs`-wide pulses at `frequencyHz`).
    case currentClamp(CurrentClamp)
    /// `spikes`: spike replay from `spikeFile` onto the cells of `nodeSet`.
    case spikes(name: String, spikeFile: String, nodeSet: String?, delayMs: Double)
}

/// A SONATA current-clamp input.
public struct CurrentClamp: Equatable, Sendable {
    public enum Shape: String, Sendable { case linear, pulse }
    public var name: String
    public var shape: Shape
    public var nodeSet: String?
    public var delayMs: Double
    public var durationMs: Double
    /// Amplitude [nA] at the start (linear) or of each pulse.
    public var ampStartNA: Double
    /// Amplitude [nA] at the end (linear; equals the start when not given).
    public var ampEndNA: Double
    public var frequencyHz: Double?
    public var widthMs: Double?
}

/// A SONATA `simulation_config.json`.
public struct SimulationConfig: Sendable {
    public let path: String
    /// The circuit config (`network`; default `circuit_config.json` beside this file).
    public var circuitConfigPath: String
    public var run: RunParameters
    public var conditions: Conditions
    /// The simulated node set (nil: every node of every population).
    public var nodeSet: String?
    /// Overrides the circuit's node sets file.
    public var nodeSetsFile: String?
    public var inputs: [SimulationInput]
    /// `output.output_dir` (default `output`, relative to this file).
    public var outputDirectory: String
    /// `output.spikes_file` (default `out.h5`).
    public var spikesFile: String

    public init(path: String) throws {
        let file = try ConfigFile(path: path)
        self.path = path
        let root = file.root
        circuitConfigPath = try file.pathValue(root, "network", at: "")
            ?? PathUtil.join(file.directory, "circuit_config.json")
        let run = try file.require(try file.object(root, "run", at: ""), "", "run")
        self.run = RunParameters(
            tstopMs: try file.require(try file.number(run, "tstop", at: "run", in: SimulationLimits.tstopMs), "run", "tstop"),
            dtMs: try file.number(run, "dt", at: "run", in: SimulationLimits.dtMs) ?? 0.025,
            randomSeed: Int64(try file.number(run, "random_seed", at: "run", in: Self.seedRange) ?? 0),
            spikeThresholdMV: try file.number(run, "spike_threshold", at: "run", in: SimulationLimits.voltageMV) ?? -30)
        self.run.synapseSeed = Int64(try file.number(run, "synapse_seed", at: "run", in: Self.seedRange) ?? 0)
        guard self.run.dtMs > 0, self.run.tstopMs >= 0 else {
            throw NDError(.outOfRange, file: path, "run: expected dt > 0 and tstop >= 0, got dt \(self.run.dtMs), tstop \(self.run.tstopMs)")
        }
        let conditions = try file.object(root, "conditions", at: "") ?? [:]
        self.conditions = Conditions(
            celsius: try file.number(conditions, "celsius", at: "conditions", in: SimulationLimits.celsius) ?? 34,
            vInitMV: try file.number(conditions, "v_init", at: "conditions", in: SimulationLimits.voltageMV) ?? -80,
            randomizeGABARiseTime: try file.bool(conditions, "randomize_gaba_rise_time", at: "conditions") ?? false)
        nodeSet = try file.string(root, "node_set", at: "")
        nodeSetsFile = try file.pathValue(root, "node_sets_file", at: "")
        let output = try file.object(root, "output", at: "") ?? [:]
        outputDirectory = try file.pathValue(output, "output_dir", at: "output") ?? PathUtil.join(file.directory, "output")
        spikesFile = try file.string(output, "spikes_file", at: "output") ?? "out.h5"

        var inputs: [SimulationInput] = []
        for member in (try file.object(root, "inputs", at: "") ?? [:]).members {
            let where_ = "inputs." + member.key
            guard let input = member.value.objectValue else { throw file.typeError("inputs", member.key, "an object", member.value) }
            let type = try file.require(try file.string(input, "input_type", at: where_), where_, "input_type")
            let module = try file.string(input, "module", at: where_) ?? ""
            let nodeSet = try file.string(input, "node_set", at: where_)
            let delay = try file.number(input, "delay", at: where_, in: SimulationLimits.timeMs) ?? 0
            switch (type, module) {
            case ("current_clamp", "linear"), ("current_clamp", "pulse"):
                let start = try file.require(try file.number(input, "amp_start", at: where_, in: SimulationLimits.currentNA), where_, "amp_start")
                inputs.append(.currentClamp(CurrentClamp(
                    name: member.key, shape: CurrentClamp.Shape(rawValue: module)!, nodeSet: nodeSet,
                    delayMs: delay,
                    durationMs: try file.require(try file.number(input, "duration", at: where_, in: SimulationLimits.timeMs), where_, "duration"),
                    ampStartNA: start, ampEndNA: try file.number(input, "amp_end", at: where_, in: SimulationLimits.currentNA) ?? start,
                    frequencyHz: try file.number(input, "frequency", at: where_, in: 0...1e6),
                    widthMs: try file.number(input, "width", at: where_, in: SimulationLimits.timeMs))))
            case ("spikes", _):
                let spikeFile = try file.require(try file.pathValue(input, "spike_file", at: where_), where_, "spike_file")
                inputs.append(.spikes(name: member.key, spikeFile: spikeFile, nodeSet: nodeSet, delayMs: delay))
            default:
                // Other inputs (noise, hyperpolarizing, synapse replay, ...) are not simulated here.
                unsupportedInputs.append("\(member.key) (\(type)\(module.isEmpty ? "" : "/" + module))")
            }
        }
        self.inputs = inputs
    }

    /// Seeds become 64-bit integers: every integer a double holds exactly.
    static let seedRange: ClosedRange<Double> = -9007199254740992...9007199254740992

    /// Inputs this project does not simulate, for a warning.
    public private(set) var unsupportedInputs: [String] = []
}
