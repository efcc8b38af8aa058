import NDFormats
import NDModel

extension AllocationRun {
    /// nd-allocate's outputs: an allocation it computed goes to the pickle in `pickleFolder`
    /// and the JSON-lines to `jsonLines`, the two committed together; one read from a
    /// pickle (`pickleFolder` nil: the pickle is the input) to the JSON-lines alone.
    public static func write(_ allocation: Allocation, jsonLines sink: ByteSink, pickleFolder: String?) throws {
        func commit() throws {
            if let file = sink as? AtomicFile { try file.commit() }
            if let out = sink as? StandardOutput { try out.flush() }
        }
        guard let folder = pickleFolder else {
            try AllocationJSONLines.write(allocation, to: sink)
            return try commit()
        }
        try makeDirectories(folder)
        try AllocationFiles.write(allocation, pickleFolder: folder, jsonLines: sink, commit: commit)
    }
}
