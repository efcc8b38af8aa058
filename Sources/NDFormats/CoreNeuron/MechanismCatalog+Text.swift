import NDModel

/// The text of `bbcore_mech.dat`.
extension MechanismCatalog {
    /// Parses the file's text; `name` is used in errors.
    public init(parsing bytes: [UInt8], name: String) throws {
        self.init()
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var i = 0
        func next(_ what: String) throws -> (Int, [Substring]) {
            while i < lines.count, lines[i].allSatisfy({ $0 == " " }) { i += 1 }
            guard i < lines.count else { throw NDError(.malformed, file: name, line: i + 1, "truncated: expected \(what)") }
            defer { i += 1 }
            return (i + 1, lines[i].split(separator: " "))
        }
        let (versionLine, version) = try next("the version line")
        guard version.count == 1, version[0] == coreNeuronFormatVersion else {
            throw NDError(.unsupported, file: name, line: versionLine, "format version '\(version.joined(separator: " ").prefix(40))', expected '\(coreNeuronFormatVersion)'")
        }
        let (countLine, countFields) = try next("the number of mechanism types")
        guard countFields.count == 1, let count = Int(countFields[0]), count >= 2, count < 100_000 else {
            throw NDError(.malformed, file: name, line: countLine, "expected the number of mechanism types")
        }
        for type in 2..<count {
            let (line, f) = try next("mechanism type \(type)")
            let numbers = f.dropFirst().map { Int($0) }
            guard f.count >= 8, numbers.allSatisfy({ $0 != nil }) else {
                throw NDError(.malformed, file: name, line: line, "expected 'name type pointtype artificial ion datasize pdatasize nvars dims...'")
            }
            let n = numbers.map { $0! }
            let nvars = n[6]
            guard nvars >= 0, f.count == 8 + nvars, n[4] >= 0, n[5] >= 0, n[4] < 1_000_000, n[5] < 1_000_000 else {
                throw NDError(.inconsistent, file: name, line: line, "mechanism '\(f[0])': \(nvars) variable widths announced, \(f.count - 8) given")
            }
            var e = Entry(name: String(f[0]), type: n[0], pointType: n[1], isArtificial: n[2] != 0, isIon: n[3] != 0,
                          dataSize: n[4], pdataSize: n[5], arrayDims: Array(n[7...]))
            if e.isIon {
                let (chargeLine, c) = try next("the charge of ion '\(e.name)'")
                guard c.count == 1, let charge = Double(c[0]) else {
                    throw NDError(.malformed, file: name, line: chargeLine, "expected the charge of ion '\(e.name)'")
                }
                e.charge = charge
            }
            try append(e, file: name, line: line)
        }
        while i < lines.count {
            guard lines[i].allSatisfy({ $0 == " " }) else {
                throw NDError(.malformed, file: name, line: i + 1, "unexpected text after the \(count - 2) mechanisms")
            }
            i += 1
        }
    }

    /// The file's text, as NEURON writes it.
    public func rendered() -> [UInt8] {
        var s = "\(coreNeuronFormatVersion)\n\(entries.count + 2)\n"
        for e in entries {
            s += "\(e.name) \(e.type) \(e.pointType) \(e.isArtificial ? 1 : 0) \(e.isIon ? 1 : 0) \(e.dataSize) \(e.pdataSize) \(e.arrayDims.count)"
            for d in e.arrayDims { s += " \(d)" }
            s += "\n"
            if let charge = e.charge { s += formatCharge(charge) + "\n" }
        }
        return Array(s.utf8)
    }

    /// C++'s default stream format for a double (6 significant digits, %g style).
    private func formatCharge(_ x: Double) -> String { cFormat("%g", x) }
}
