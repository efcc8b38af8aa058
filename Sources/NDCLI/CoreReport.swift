import NDFormats

/// The model of an nd-core run in numbers (`--model-stats`): counts and sizes, summed
/// over the ranks as doubles (one collective sum for all).
public struct ModelCounts: Equatable, Sendable {
    public var cells, nodes, compartments, synapses, netcons: Double
    /// The model's bytes in nd-core's engine and in CoreNEURON's layout.
    public var modelBytes, coreNeuronBytes: Double

    public init(cells: Int, nodes: Int, compartments: Int, synapses: Int, netcons: Int, modelBytes: Int, coreNeuronBytes: Int) {
        (self.cells, self.nodes, self.compartments, self.synapses) = (Double(cells), Double(nodes), Double(compartments), Double(synapses))
        (self.netcons, self.modelBytes, self.coreNeuronBytes) = (Double(netcons), Double(modelBytes), Double(coreNeuronBytes))
    }

    /// The counts in `values`' order.
    public init(summed v: [Double]) {
        (cells, nodes, compartments, synapses, netcons, modelBytes, coreNeuronBytes) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6])
    }

    /// As one array, for a sum over ranks.
    public var values: [Double] { [cells, nodes, compartments, synapses, netcons, modelBytes, coreNeuronBytes] }

    /// Two lines: the counts, then the model's size here and in CoreNEURON's layout.
    public func lines(ranks: Int) -> [String] {
        ["model: \(Int(cells)) cells, \(Int(nodes)) nodes (\(Int(compartments)) with membrane), \(Int(synapses)) synapses, \(Int(netcons)) netcons on \(ranks) ranks",
         "model size: \(CoreReport.size(modelBytes)) here, \(CoreReport.size(coreNeuronBytes)) in CoreNEURON's layout"]
    }
}

/// nd-core's lines for people, on stderr.
public enum CoreReport {
    /// The run's last line: spikes, ranks, seconds and where out.dat went.
    public static func done(spikes: Int, ranks: Int, runSeconds: Double, output: String) -> String {
        "\(spikes) spikes, \(ranks) ranks, \(cFormat("%.2f", runSeconds)) s -> \(output)/out.dat"
    }

    /// A byte count as CoreNEURON prints its model size.
    public static func size(_ bytes: Double) -> String {
        if bytes < 1024 { return "\(Int(bytes)) bytes" }
        for (unit, scale) in [("kB", 1024.0), ("MB", 1048576.0), ("GB", 1073741824.0)] where bytes < scale * 1024 || unit == "GB" {
            return cFormat("%.2f", bytes / scale) + " " + unit
        }
        return ""
    }
}
