import NDBalance
import NDFormats
import NDModel

/// The loads of a cluster as records and text: per-rank and per-machine JSON-lines with
/// summaries (for jq), and a human summary table.
public struct LoadReport {
    public let load: ClusterLoad
    /// The files.dat the load comes from (a field of every record).
    public let file: String

    public init(_ load: ClusterLoad, file: String) {
        self.load = load
        self.file = file
    }

    public var rankSummary: LoadSummary { LoadSummary(load.rankBytes.map { Double($0) }) }
    public var machineSummary: LoadSummary { LoadSummary(load.machineBytes.map { Double($0) }) }

    /// One object per rank, one per machine, then one summary per level.
    public func records() -> [JSONObject] {
        var result: [JSONObject] = []
        for (r, bytes) in load.rankBytes.enumerated() {
            result.append([
                "type": "rank", "file": .string(file), "rank": .int(Int64(r)),
                "machine": .int(Int64(load.machine(ofRank: r))),
                "entries": .int(Int64(load.rankEntries[r])), "bytes": .int(Int64(bytes)),
            ])
        }
        let machineEntries = load.machineEntries
        for (m, bytes) in load.machineBytes.enumerated() {
            result.append([
                "type": "machine", "file": .string(file), "machine": .int(Int64(m)),
                "ranks": .int(Int64(load.ranksPerMachine)),
                "entries": .int(Int64(machineEntries[m])), "bytes": .int(Int64(bytes)),
            ])
        }
        result.append(Self.summaryRecord(level: "machine", file: file, machineSummary))
        result.append(Self.summaryRecord(level: "rank", file: file, rankSummary))
        return result
    }

    static func summaryRecord(level: String, file: String, _ s: LoadSummary) -> JSONObject {
        [
            "type": "summary", "file": .string(file), "level": .string(level),
            "count": .int(Int64(s.count)), "min": .int(Int64(s.min)), "max": .int(Int64(s.max)),
            "mean": .double(s.mean), "stdev": .double(s.stdev), "max_over_mean": .double(s.maxOverMean),
        ]
    }

    /// Writes `records()` as JSON-lines.
    public func writeRecords(to sink: ByteSink) throws {
        let writer = JSONLinesWriter(sink)
        for record in records() { try writer.write(record) }
    }

    /// Two lines: machines and ranks, each with min, mean, max in MiB, stdev and max/mean.
    public func summaryText() -> String {
        summaryLine("machines", machineSummary) + summaryLine("ranks", rankSummary)
    }

    private func summaryLine(_ name: String, _ s: LoadSummary) -> String {
        let (scale, unit) = binaryUnit(for: s.max)
        func v(_ x: Double) -> String { cFormat("%.1f", x / scale) }
        return "  \(name.padded(8)) n=\(s.count) min \(v(s.min)) mean \(v(s.mean)) max \(v(s.max))"
            + " stdev \(v(s.stdev)) \(unit)  max/mean \(cFormat("%.3f", s.maxOverMean))\n"
    }
}

/// The binary unit (scale, name) in which `bytes` reads best: B, KiB, MiB, GiB or TiB.
func binaryUnit(for bytes: Double) -> (Double, String) {
    var scale = 1.0
    for unit in ["B", "KiB", "MiB", "GiB"] {
        if bytes < scale * 1024 { return (scale, unit) }
        scale *= 1024
    }
    return (scale, "TiB")
}
