#if canImport(Glibc)
import Glibc
#endif
import NDFormats
import NDModel

/// A SONATA JSON config file: its values with `manifest` variables substituted, and
/// accessors whose errors name the file and the key path.
struct ConfigFile {
    let path: String
    /// The folder relative paths are resolved against (the config file's folder).
    let directory: String
    let root: JSONObject
    private let variables: [(name: String, value: String)]

    init(path: String) throws {
        self.path = path
        // Absolute, so that manifest values (resolved against it) are never resolved twice.
        directory = PathUtil.absolute(PathUtil.directory(of: path))
        let bytes = try FileBytes.read(path)
        let value = try bytes.withUnsafeBufferPointer { try JSONCodec.decode($0, file: path) }
        guard let object = value.objectValue else { throw NDError(.malformed, file: path, "expected a JSON object at the top level") }
        root = object
        variables = try ConfigFile.manifest(object, path: path, directory: directory)
    }

    /// Manifest variables, longest name first (so `$BASE_DIR_2` is not read as `$BASE_DIR`),
    /// each expanded with the others and made absolute when it is a relative path.
    private static func manifest(_ root: JSONObject, path: String, directory: String) throws -> [(name: String, value: String)] {
        guard let manifest = root["manifest"] else { return [] }
        guard let object = manifest.objectValue else { throw NDError(.malformed, file: path, "manifest: expected an object") }
        var raw: [(String, String)] = []
        for member in object.members {
            guard let text = member.value.stringValue else {
                throw NDError(.malformed, file: path, "manifest.\(member.key): expected a string")
            }
            let name = member.key.hasPrefix("$") ? member.key : "$" + member.key
            raw.append((name, text))
        }
        raw.sort { $0.0.count > $1.0.count || ($0.0.count == $1.0.count && $0.0 < $1.0) }
        var resolved: [(name: String, value: String)] = []
        for (name, text) in raw {
            var value = text
            // Expand references to other variables; a cycle stops after as many rounds as variables.
            for _ in 0..<raw.count {
                var changed = false
                for (other, otherText) in raw where other != name && value.contains(other) {
                    value = value.replacingAll(other, with: otherText)
                    changed = true
                }
                if !changed { break }
            }
            if value.contains("$"), raw.contains(where: { value.contains($0.0) }) {
                throw NDError(.inconsistent, file: path, "manifest.\(name): variables refer to each other in a cycle")
            }
            resolved.append((name, PathUtil.resolve(value, against: directory)))
        }
        return resolved
    }

    /// `text` with manifest variables substituted.
    func expand(_ text: String) -> String {
        guard text.contains("$") else { return text }
        var result = text
        for v in variables where result.contains(v.name) { result = result.replacingAll(v.name, with: v.value) }
        return result
    }

    // MARK: typed access; `key` is a dotted path for messages

    func object(_ parent: JSONObject, _ key: String, at where_: String) throws -> JSONObject? {
        guard let value = parent[key] else { return nil }
        guard let object = value.objectValue else { throw typeError(where_, key, "an object", value) }
        return object
    }

    func array(_ parent: JSONObject, _ key: String, at where_: String) throws -> [JSONValue]? {
        guard let value = parent[key] else { return nil }
        guard let array = value.arrayValue else { throw typeError(where_, key, "an array", value) }
        return array
    }

    func string(_ parent: JSONObject, _ key: String, at where_: String) throws -> String? {
        guard let value = parent[key] else { return nil }
        guard let text = value.stringValue else { throw typeError(where_, key, "a string", value) }
        return expand(text)
    }

    /// A path value: substituted, then made absolute against the config's folder.
    func pathValue(_ parent: JSONObject, _ key: String, at where_: String) throws -> String? {
        try string(parent, key, at: where_).map { PathUtil.resolve($0, against: directory) }
    }

    func number(_ parent: JSONObject, _ key: String, at where_: String) throws -> Double? {
        guard let value = parent[key] else { return nil }
        guard let number = value.doubleValue else { throw typeError(where_, key, "a number", value) }
        return number
    }

    /// A number that must be finite and in `range` (it sizes or enters the simulation).
    func number(_ parent: JSONObject, _ key: String, at where_: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let number = try number(parent, key, at: where_) else { return nil }
        if let problem = SimulationLimits.problem(joined(where_, key), number, range) { throw NDError(.outOfRange, file: path, problem) }
        return number
    }

    func bool(_ parent: JSONObject, _ key: String, at where_: String) throws -> Bool? {
        guard let value = parent[key] else { return nil }
        guard case .bool(let flag) = value else { throw typeError(where_, key, "true or false", value) }
        return flag
    }

    func require<T>(_ value: T?, _ where_: String, _ key: String) throws -> T {
        guard let value else { throw NDError(.notFound, file: path, "\(joined(where_, key)): missing, required") }
        return value
    }

    func typeError(_ where_: String, _ key: String, _ expected: String, _ got: JSONValue) -> NDError {
        NDError(.malformed, file: path, "\(joined(where_, key)): expected \(expected), got \(got.typeName)")
    }

    func joined(_ where_: String, _ key: String) -> String { where_.isEmpty ? key : where_ + "." + key }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty, count >= target.count else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
