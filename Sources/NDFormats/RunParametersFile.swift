import NDModel

/// `run.json` beside files.dat: what nd-core needs to simulate the written model.
public struct RunParametersFile: Equatable, Sendable {
    public static let formatVersion = 1
    /// The first line nd-instantiate writes into files.dat, which nd-core checks.
    public static let filesDatVersion = "ndmodel-1"

    public var tstopMs: Double
    public var dtMs: Double
    public var celsius: Double
    public var vInitMV: Double
    public var spikeThresholdMV: Double
    /// The simulation config's output folder (nd-core's default -o), absolute.
    public var outputDirectory: String?

    public init(tstopMs: Double, dtMs: Double, celsius: Double, vInitMV: Double, spikeThresholdMV: Double,
                outputDirectory: String? = nil) {
        self.tstopMs = tstopMs; self.dtMs = dtMs; self.celsius = celsius; self.vInitMV = vInitMV
        self.spikeThresholdMV = spikeThresholdMV; self.outputDirectory = outputDirectory
    }

    public func encoded() throws -> [UInt8] {
        Array(try JSONCodec.encodePretty(.object([
            "version": .int(Int64(Self.formatVersion)), "tstop": .double(tstopMs), "dt": .double(dtMs),
            "celsius": .double(celsius), "v_init": .double(vInitMV), "spike_threshold": .double(spikeThresholdMV),
            "output_dir": outputDirectory.map { .string($0) } ?? .null,
        ])).utf8)
    }

    public init(contentsOf path: String) throws {
        let value = try FileBytes.read(path).withUnsafeBufferPointer { try JSONCodec.decode($0, file: path) }
        guard let o = value.objectValue else { throw NDError(file: path, "expected a JSON object") }
        if let v = o["version"]?.intValue, v > Int64(Self.formatVersion) {
            throw NDError(file: path, "run parameters version \(v), this nd-core reads version \(Self.formatVersion)")
        }
        func number(_ key: String) throws -> Double {
            guard let x = o[key]?.doubleValue else { throw NDError(file: path, "\(key): expected a number") }
            return x
        }
        self.init(tstopMs: try number("tstop"), dtMs: try number("dt"), celsius: try number("celsius"),
                  vInitMV: try number("v_init"), spikeThresholdMV: try number("spike_threshold"),
                  outputDirectory: o["output_dir"]?.stringValue)
    }
}
