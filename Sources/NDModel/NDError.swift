#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The one error every ndtools library throws: what kind of problem, where it is and
/// what was expected.
///
/// Rendered as `FILE:LINE: message` (or `FILE: message`, or just `message`), the form
/// the executables print after `nd-TOOL: error: `. The kind is not printed: it is for
/// callers and tests that must tell problems apart without reading the message.
public struct NDError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, in the terms a caller acts on: every kind still exits 1, but a
    /// fuzzer expects the input kinds and not `system`, and a test can say which it means.
    public enum Kind: String, Sendable, CaseIterable {
        /// A file, or something named inside one (a population, attribute, key, node set,
        /// mechanism), is not there.
        case notFound
        /// The bytes or text are not the format expected: syntax, a wrong type,
        /// truncation, corruption.
        case malformed
        /// Well formed, but a value lies outside what is accepted: negative, not finite,
        /// too large, an index past the end.
        case outOfRange
        /// Two inputs, or two parts of one, disagree: counts, duplicates, checksums, an
        /// order that refers back to itself.
        case inconsistent
        /// A valid input asking for what ndtools does not do: a feature, a format
        /// version, a mechanism.
        case unsupported
        /// The command line asks for something unusable: an option value, a folder where a
        /// file is needed, a path that must not be replaced.
        case usage
        /// The system or a library refused: opening, reading, writing, renaming, MPI.
        case system
        /// A simulation became numerically unstable.
        case diverged
        /// Stopped because another rank failed; that rank names the problem.
        case stopped
    }

    public var kind: Kind
    /// The file the problem is in; `-` for stdin; nil when no file is involved.
    public var file: String?
    /// 1-based line (or record) number inside `file`, when known.
    public var line: Int?
    /// What was wrong and what was expected, with the offending values.
    public var message: String

    public init(_ kind: Kind, file: String? = nil, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        switch (file, line) {
        case let (file?, line?): return "\(file):\(line): \(message)"
        case let (file?, nil): return "\(file): \(message)"
        default: return message
        }
    }
}

extension NDError.Kind {
    /// The kind of a failed system call: a missing path is the user's `notFound`, a
    /// folder where a file was expected is `usage`, anything else the system's.
    public init(errno code: Int32) {
        switch code {
        case ENOENT, ENOTDIR: self = .notFound
        case EISDIR: self = .usage
        default: self = .system
        }
    }
}
