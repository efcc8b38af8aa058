import NDEngine
import NDFormats

/// nd-core's two files, written by rank 0 into the output folder: out.dat (one spike a
/// line, `time\tgid`, sorted by time then gid, as CoreNEURON writes it) and memory.jsonl
/// (one object per rank).
public enum CoreOutputs {
    /// out.dat's text for `spikes` (already sorted).
    public static func outDat(_ spikes: [Spike]) -> [UInt8] {
        Array(spikes.map { cFormat("%.8g", $0.timeMs) + "\t\($0.gid)\n" }.joined().utf8)
    }

    /// memory.jsonl's lines.
    public static func memoryJSONLines(_ records: [RankRecord], ranksPerMachine: Int) throws -> [UInt8] {
        var jsonl: [UInt8] = []
        for x in records { jsonl += Array(try JSONCodec.encode(.object(x.record(ranksPerMachine: ranksPerMachine))).utf8) + [0x0A] }
        return jsonl
    }

    /// Writes both files into `folder` (made if missing), each atomically.
    public static func write(spikes: [Spike], records: [RankRecord], ranksPerMachine: Int, to folder: String) throws {
        try makeDirectories(folder)
        try AtomicFile.write(outDat(spikes), to: PathUtil.join(folder, "out.dat"))
        try AtomicFile.write(try memoryJSONLines(records, ranksPerMachine: ranksPerMachine), to: PathUtil.join(folder, "memory.jsonl"))
    }
}
