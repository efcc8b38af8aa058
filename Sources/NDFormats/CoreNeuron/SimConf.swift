import NDModel

/// `sim.conf`: the run parameters of a dataset, as `special-core --read-config FILE`
/// reads them (CLI11's ini: `key=value` lines, strings in single quotes, `#` comments).
/// Keys are special-core's long option names.
public struct SimConf: Equatable, Sendable {
    /// Key and value, in file order.
    public var entries: [(key: String, value: String)]

    public init(entries: [(key: String, value: String)] = []) { self.entries = entries }

    public static func == (a: SimConf, b: SimConf) -> Bool {
        a.entries.map(\.key) == b.entries.map(\.key) && a.entries.map(\.value) == b.entries.map(\.value)
    }

    public subscript(key: String) -> String? { entries.last { $0.key == key }?.value }

    public mutating func set(_ key: String, _ value: String) { entries.append((key, value)) }

    /// The number under `key`, checked finite; nil when absent.
    public func number(_ key: String, file: String) throws -> Double? {
        guard let text = self[key] else { return nil }
        guard let x = Double(text), x.isFinite else { throw NDError(.outOfRange, file: file, "\(key)=\(text): expected a finite number") }
        return x
    }

    public init(parsing bytes: [UInt8], name: String) throws {
        entries = []
        for (i, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            // (A NUL would cut a path short where the system reads it.)
            guard !raw.contains(0) else { throw NDError(.malformed, file: name, line: i + 1, "a NUL byte") }
            let line = String(decoding: raw, as: UTF8.self).trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line.hasPrefix("[") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                // CLI11 reads a bare name as a flag that is set.
                entries.append((line, "true"))
                continue
            }
            let key = String(line[..<eq]).trimmingSpaces
            var value = String(line[line.index(after: eq)...]).trimmingSpaces
            if value.count >= 2, let q = value.first, q == "'" || q == "\"", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty else { throw NDError(.malformed, file: name, line: i + 1, "expected 'key=value'") }
            entries.append((key, value))
        }
    }

    public func rendered() -> [UInt8] {
        Array(entries.map { e in
            let numeric = Double(e.value) != nil || e.value == "true" || e.value == "false"
            return numeric ? "\(e.key)=\(e.value)\n" : "\(e.key)='\(e.value)'\n"
        }.joined().utf8)
    }
}

/// `globals.dat`: NEURON's global variables (`name value` lines up to `0 0`, arrays as
/// `name[n]` and n lines), then `secondorder` and `Random123_globalindex`. CoreNEURON
/// takes celsius and dt from it unless the command line sets them.
public struct GlobalsFile: Equatable, Sendable {
    public var scalars: [(name: String, value: Double)]
    public var secondOrder = 0
    public var random123GlobalIndex = 0

    public static func == (a: GlobalsFile, b: GlobalsFile) -> Bool {
        a.scalars.map(\.name) == b.scalars.map(\.name) && a.scalars.map(\.value) == b.scalars.map(\.value)
            && a.secondOrder == b.secondOrder && a.random123GlobalIndex == b.random123GlobalIndex
    }

    public init(scalars: [(name: String, value: Double)]) { self.scalars = scalars }

    public subscript(name: String) -> Double? { scalars.first { $0.name == name }?.value }

    public mutating func set(_ name: String, _ value: Double) {
        if let i = scalars.firstIndex(where: { $0.name == name }) { scalars[i].value = value } else { scalars.append((name, value)) }
    }

    public init(parsing bytes: [UInt8], name: String) throws {
        scalars = []
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard lines.first?.trimmingSpaces == coreNeuronFormatVersion else {
            throw NDError(.malformed, file: name, line: 1, "expected the version line '\(coreNeuronFormatVersion)'")
        }
        var i = 1
        var ended = false
        while i < lines.count {
            let f = lines[i].split(separator: " ")
            i += 1
            if f.count == 2, f[0] == "0", f[1] == "0" { ended = true; break }
            if f.count == 2, let v = Double(f[1]) {
                // Each becomes a mechanism's constant: NaN or inf would spread to every state.
                guard v.isFinite else { throw NDError(.outOfRange, file: name, line: i, "\(f[0]) \(f[1]): expected a finite number") }
                scalars.append((String(f[0]), v))
                continue
            }
            if f.count == 1, let open = f[0].firstIndex(of: "["), f[0].last == "]", let n = Int(f[0][f[0].index(after: open)..<f[0].index(before: f[0].endIndex)]), n >= 0, n < 1_000_000 {
                guard i + n <= lines.count else { throw NDError(.malformed, file: name, line: i, "array \(f[0]): truncated") }
                i += n  // arrays are of no use to nd-core
                continue
            }
            throw NDError(.malformed, file: name, line: i, "expected 'name value', 'name[n]' or '0 0'")
        }
        guard ended else { throw NDError(.malformed, file: name, line: i, "truncated: no '0 0' line") }
        while i < lines.count {
            let f = lines[i].split(separator: " ")
            i += 1
            if f.count == 2, let n = Int(f[1]) {
                if f[0] == "secondorder" { secondOrder = n } else if f[0] == "Random123_globalindex" { random123GlobalIndex = n }
            }
        }
    }

    /// As NEURON writes it: values in `%.20g`.
    public func rendered() -> [UInt8] {
        var s = coreNeuronFormatVersion + "\n"
        for (n, v) in scalars { s += "\(n) \(cFormat("%.20g", v))\n" }
        s += "0 0\nsecondorder \(secondOrder)\nRandom123_globalindex \(random123GlobalIndex)\n"
        return Array(s.utf8)
    }
}

/// A spike raster as CoreNEURON's `--pattern` reads it (PatternStim): a first line it
/// skips, then `time gid` per line.
public enum PatternFile {
    public static func render(_ spikes: [(timeMs: Double, gid: Int64)]) -> [UInt8] {
        var out = Array("/scatter\n".utf8)
        for s in spikes { out += Array("\(cFormat("%.17g", s.timeMs))\t\(s.gid)\n".utf8) }
        return out
    }

    /// The spikes between `from` and `to` (inclusive), sorted by time then gid.
    public static func read(_ path: String, from: Double = 0, to: Double = .infinity) throws -> [(timeMs: Double, gid: Int64)] {
        var spikes: [(timeMs: Double, gid: Int64)] = []
        let lines = try FileBytes.read(path).split(separator: 0x0A, omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated().dropFirst() {
            let f = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" })
            if f.isEmpty { continue }
            guard f.count == 2, let t = Double(f[0]), t.isFinite, let gid = Int64(f[1]), gid >= 0, gid <= Int64(Int32.max) else {
                throw NDError(.malformed, file: path, line: i + 1, "expected 'time gid'")
            }
            if t >= from && t <= to { spikes.append((t, gid)) }
        }
        spikes.sort { ($0.timeMs, $0.gid) < ($1.timeMs, $1.gid) }
        return spikes
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
