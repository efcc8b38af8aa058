import NDModel

/// A CoreNEURON dataset folder (`coreneuron_input`): files.dat, bbcore_mech.dat,
/// globals.dat, the groups' phase files, and beside them what ndtools adds
/// (`ndtools-checksums.txt`, which CoreNEURON ignores).
public struct CoreDataset {
    public let directory: String
    public let catalog: MechanismCatalog
    /// CRC-32 and size of each group file, when the checksum file is there.
    public let checksums: [String: (crc: UInt32, size: Int)]?

    public static let checksumFile = "ndtools-checksums.txt"

    public init(directory: String) throws {
        self.directory = directory
        let mech = PathUtil.join(directory, "bbcore_mech.dat")
        guard fileExists(mech) else {
            if fileExists(PathUtil.join(directory, "run.json")) {
                throw NDError(.unsupported, file: directory, "a model in ndtools' retired NDMODEL format (run.json, no bbcore_mech.dat): rebuild it with nd-instantiate, which now writes CoreNEURON's own format")
            }
            throw NDError(.notFound, file: mech, "missing: not a CoreNEURON dataset folder (-d should name the folder with files.dat and bbcore_mech.dat)")
        }
        catalog = try MechanismCatalog(parsing: try FileBytes.read(mech), name: mech)
        let sums = PathUtil.join(directory, Self.checksumFile)
        checksums = fileExists(sums) ? try Self.readChecksums(sums) : nil
    }

    /// The group ids rank `rank` of `size` loads from `filesDat`, by CoreNEURON's rules
    /// (`nrn_read_filesdat`): version, count (after a `-1` line when the model has gap
    /// junctions), then entry i goes to rank i mod size; at a `-1` entry that rank takes
    /// no further groups.
    public static func groups(filesDat path: String, rank: Int, size: Int) throws -> (ids: [Int], gapJunctions: Bool) {
        let files = try FilesDat(contentsOf: path)
        guard !files.version.isEmpty else { throw NDError(.malformed, file: path, line: 1, "empty: expected the version line") }
        guard files.version == coreNeuronFormatVersion else {
            if files.version.hasPrefix("ndmodel") {
                throw NDError(.unsupported, file: path, line: 1, "an ndtools model in the retired NDMODEL format ('\(files.version)'): rebuild it with nd-instantiate, which now writes CoreNEURON's own format")
            }
            throw NDError(.unsupported, file: path, line: 1, "version '\(files.version.prefix(40))', expected '\(coreNeuronFormatVersion)'")
        }
        // The lines after the version: the count (after a -1 line for gap junctions), the ids.
        let lines = [files.countField] + files.entries
        var next = 0
        func int(_ what: String) throws -> Int {
            guard next < lines.count, let v = Int(lines[next]) else {
                throw NDError(.malformed, file: path, line: next + 2, "expected \(what), found '\(next < lines.count ? String(lines[next].prefix(40)) : "the end of the file")'")
            }
            next += 1
            return v
        }
        var count = try int("the number of groups")
        var gaps = false
        if count == -1 { gaps = true; count = try int("the number of groups (after the gap-junction line)") }
        guard count >= 0 else { throw NDError(.outOfRange, file: path, line: next + 1, "group count \(count)") }
        var ids: [Int] = []
        var seen = Set<Int>()
        for i in 0..<count {
            let line = next + 2
            let id = try int("group \(i + 1) of \(count)")
            guard id >= -1 else { throw NDError(.outOfRange, file: path, line: line, "group id \(id)") }
            if id >= 0 && !seen.insert(id).inserted { throw NDError(.inconsistent, file: path, line: line, "group \(id) listed twice") }
            if i % size == rank {
                if id == -1 { break }
                ids.append(id)
            }
        }
        return (ids, gaps)
    }

    public func path(_ id: Int, phase: Int) -> String { PathUtil.join(directory, "\(id)_\(phase).dat") }

    /// Reads and checks group `id` (its checksums too, when the dataset has them);
    /// `take` sees each mechanism block as it is read (see `CoreGroup.init`).
    public func group(_ id: Int, take: ((inout CoreGroup.Mechanism, CoreGroup) throws -> Void)? = nil) throws -> CoreGroup {
        let names = (path(id, phase: 1), path(id, phase: 2))
        // Mapped, not read: the reader gives the pages back as it decodes them.
        let p1 = try ByteSource(mapping: names.0), p2 = try ByteSource(mapping: names.1)
        if let checksums {
            for (name, source) in [(names.0, p1), (names.1, p2)] {
                let base = "\(id)_\(name.hasSuffix("_1.dat") ? 1 : 2).dat"
                guard let expected = checksums[base] else {
                    throw NDError(.inconsistent, file: PathUtil.join(directory, Self.checksumFile), "no checksum for \(base)")
                }
                let crc = source.crc32()
                guard expected.size == source.count, expected.crc == crc else {
                    throw NDError(.inconsistent, file: name, "checksum mismatch: \(source.count) bytes with CRC-32 \(hex(crc)), \(Self.checksumFile) says \(expected.size) bytes with \(hex(expected.crc)) (the file is corrupt or was changed after it was written)")
                }
            }
        }
        return try CoreGroup(id: id, phase1: p1, phase2: p2, catalog: catalog, names: names, take: take)
    }

    /// `name crc32 size` per line.
    static func readChecksums(_ path: String) throws -> [String: (crc: UInt32, size: Int)] {
        var result: [String: (crc: UInt32, size: Int)] = [:]
        for (i, line) in try FileBytes.read(path).split(separator: 0x0A).enumerated() {
            let f = String(decoding: line, as: UTF8.self).split(separator: " ")
            guard f.count == 3, let crc = UInt32(f[1], radix: 16), let size = Int(f[2]), size >= 0 else {
                throw NDError(.malformed, file: path, line: i + 1, "expected 'FILE CRC32 SIZE'")
            }
            result[String(f[0])] = (crc, size)
        }
        return result
    }

    /// The checksum file's text: per file its name, CRC-32 and size.
    public static func checksumText(_ files: [(name: String, crc: UInt32, size: Int)]) -> String {
        files.map { "\($0.name) \(hex($0.crc)) \($0.size)\n" }.joined()
    }
}

private func hex(_ x: UInt32) -> String {
    let s = String(x, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
}
