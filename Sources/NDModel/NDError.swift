/// The one error every ndtools library throws: where the problem is and what was expected.
///
/// Rendered as `FILE:LINE: message` (or `FILE: message`, or just `message`), the form
/// the executables print after `nd-TOOL: error: `.
public struct NDError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the problem is in; `-` for stdin; nil when no file is involved.
    public var file: String?
    /// 1-based line (or record) number inside `file`, when known.
    public var line: Int?
    /// What was wrong and what was expected, with the offending values.
    public var message: String

    public init(file: String? = nil, line: Int? = nil, _ message: String) {
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
