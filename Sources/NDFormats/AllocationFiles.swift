import Dispatch
import NDModel

/// nd-allocate's two outputs — `allocation_rR_cC.pkl.gz` and the JSON-lines — written
/// together. The pickle (encoded and compressed) and the JSON-lines are rendered at the
/// same time on two cores, and the files are renamed into place only when both are
/// complete: a failed run leaves the previous pair, never a new pickle beside an old
/// JSON-lines file (killed between the renames, it leaves the new JSON-lines and no
/// pickle). (JSON-lines streamed to stdout cannot be taken back; the pickle is
/// then kept only if stdout took everything.)
public enum AllocationFiles {
    /// neurodamus's name for the pickle of R ranks and C cycles.
    public static func pickleName(ranks: Int, cycles: Int) -> String { "allocation_r\(ranks)_c\(cycles).pkl.gz" }

    /// Compression level of the pickle: level 1 is the fastest that still shrinks it
    /// (10 MB of pickle to 6.6 MB with libdeflate; levels 2–6 save under 1% more and
    /// take 1.5–2 times as long). The file is read once, by the model builder.
    public static let pickleLevel: Int32 = 1

    /// Writes the pickle into `folder` and the JSON-lines to `jsonLines`, then `commit`s
    /// the JSON-lines (rename an atomic file, flush stdout) and the pickle, in that order.
    public static func write(_ allocation: Allocation, pickleFolder folder: String, jsonLines: ByteSink,
                             commit commitJSONLines: () throws -> Void) throws {
        let pickle = try AtomicFile(PathUtil.join(folder, pickleName(ranks: allocation.ranks, cycles: allocation.cycles)))
        // Grouped by population once, for both files.
        let groups = PopulationGroups(allocation)
        let failures = Failures()
        // Compression is most of the work: the pickle is compressed as several gzip members
        // (a gzip file may hold several; Python's gzip and gunzip read them one after the
        // other) — one per MiB, at most four, so that the cores share them evenly with the
        // JSON-lines rendered meanwhile. The split depends on the size only: the same
        // allocation gives the same bytes on any machine.
        let encoded = AllocationPickle.encode(groups)
        let count = min(4, max(1, encoded.count >> 20))
        let parts = (0..<count).map { k in encoded[(encoded.count * k / count)..<(encoded.count * (k + 1) / count)] }
        var members = [[UInt8]](repeating: [], count: parts.count)
        members.withUnsafeMutableBufferPointer { members in
            let members = SendablePointer(members.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts.count + 1) { task in
                do {
                    if task < parts.count {
                        members.pointer[task] = try Gzip.compress(Array(parts[task]), level: pickleLevel)
                    } else {
                        try AllocationJSONLines.write(groups, to: jsonLines)
                    }
                } catch {
                    failures.record(error, task: task)
                }
            }
        }
        if failures.first == nil {
            do { for member in members { try pickle.write(member) } } catch { failures.record(error, task: 0) }
        }
        if let error = failures.first {
            pickle.abandon()
            throw error
        }
        // The previous pickle goes before the JSON-lines are renamed: killed in between,
        // the run leaves no pickle rather than an old one beside new JSON-lines.
        do {
            if !pickle.writesThrough { try removeTree(pickle.destination) }
            try commitJSONLines()
        } catch { pickle.abandon(); throw error }
        try pickle.commit()
    }

    /// The errors of concurrent tasks; the one of the lowest task wins, so that the
    /// message does not depend on which core finished first.
    private final class Failures: @unchecked Sendable {
        private let lock = Mutex()
        private var errors: [(task: Int, error: Error)] = []
        func record(_ error: Error, task: Int) { lock.locked { errors.append((task, error)) } }
        var first: Error? { lock.locked { errors.min { $0.task < $1.task }?.error } }
    }
}
