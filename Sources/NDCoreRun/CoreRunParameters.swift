import NDCLI
import NDFormats
import NDModel

/// The parameters of one nd-core run: the command line's, else sim.conf's (`--read-config`),
/// else CoreNEURON's defaults. Each is checked against the ranges sim.conf and
/// globals.dat are held to.
public struct CoreRunParameters: Equatable, Sendable {
    public var datpath = ".", filesdat: String? = nil, outpath = ".", pattern: String? = nil
    public var tstop = 100.0, dt: Double? = nil, celsius: Double? = nil, voltage = -65.0, seed: Double? = nil

    /// CoreNEURON's defaults.
    public init() {}

    /// `given` (the command line: nil where an option is absent) over `configFile`'s
    /// values over the defaults.
    public init(_ given: CoreRunParameters.Given, configFile: String?) throws {
        if let path = configFile {
            try requireInputFile(path)
            let conf = try SimConf(parsing: try FileBytes.read(path), name: path)
            datpath = conf["datpath"] ?? datpath
            filesdat = conf["filesdat"]
            outpath = conf["outpath"] ?? outpath
            pattern = conf["pattern"]
            tstop = try conf.number("tstop", file: path) ?? tstop
            dt = try conf.number("dt", file: path)
            celsius = try conf.number("celsius", file: path)
            voltage = try conf.number("voltage", file: path) ?? voltage
            seed = try conf.number("seed", file: path)
        }
        if let x = given.datpath { datpath = x }
        if let x = given.filesdat { filesdat = x }
        if let x = given.outpath { outpath = x }
        if let x = given.pattern { pattern = x }
        if let x = given.tstop { tstop = x }
        if let x = given.dt { dt = x }
        if let x = given.celsius { celsius = x }
        if let x = given.voltage { voltage = x }
        if let x = given.seed { seed = Double(x) }
        if let seed, !(0...Double(UInt32.max)).contains(seed) || seed != seed.rounded() {
            throw NDError(.outOfRange, file: configFile, "seed \(seed): expected an integer in 0...\(UInt32.max)")
        }
        for (key, value, range): (String, Double?, ClosedRange<Double>) in [("tstop", tstop, SimulationLimits.tstopMs), ("dt", dt, SimulationLimits.dtMs),
                                    ("celsius", celsius, SimulationLimits.celsius), ("voltage", voltage, SimulationLimits.voltageMV)] {
            if let value, let problem = SimulationLimits.problem(key, value, range) { throw NDError(.outOfRange, file: configFile, problem) }
        }
    }

    /// The parameters given on the command line (special-core's options), nil where absent.
    public struct Given: Sendable {
        public var datpath: String?, filesdat: String?, outpath: String?, pattern: String?
        public var tstop: Double?, dt: Double?, celsius: Double?, voltage: Double?, seed: Int?

        public init(datpath: String? = nil, filesdat: String? = nil, outpath: String? = nil, pattern: String? = nil,
                    tstop: Double? = nil, dt: Double? = nil, celsius: Double? = nil, voltage: Double? = nil, seed: Int? = nil) {
            self.datpath = datpath; self.filesdat = filesdat; self.outpath = outpath; self.pattern = pattern
            self.tstop = tstop; self.dt = dt; self.celsius = celsius; self.voltage = voltage; self.seed = seed
        }
    }
}
