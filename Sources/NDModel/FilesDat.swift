/// The CoreNEURON input index: version line, entry-count line, one entry per line.
///
/// Kept as the text of each line so that a rewrite copies the version through
/// unchanged and entry ids are never reformatted.
public struct FilesDat: Equatable, Sendable {
    /// The marker CoreNEURON reads as an empty slot.
    public static let emptySlot = "-1"

    /// Line 1, stripped of surrounding whitespace (e.g. `1.8`).
    public var version: String
    /// Line 2, stripped (NEURON right-aligns it in 10 columns; stripped here).
    public var countField: String
    /// Every line after the header, stripped, in file order.
    public var entries: [String]

    public init(version: String, countField: String, entries: [String]) {
        self.version = version
        self.countField = countField
        self.entries = entries
    }

    /// The entry count line 2 declares, or nil when it is not an integer.
    public var declaredCount: Int? { parsePythonInt(countField) }

    /// Line number in the file of entry `index` (1-based; the header takes two lines).
    public static func lineNumber(ofEntry index: Int) -> Int { index + 3 }
}

/// Parses an integer the way Python's `int(str)` does for ASCII input: optional sign,
/// digits, single underscores between digits; surrounding whitespace already stripped.
public func parsePythonInt(_ text: String) -> Int? {
    var body = Substring(text)
    var negative = false
    if let first = body.first, first == "+" || first == "-" {
        negative = first == "-"
        body = body.dropFirst()
    }
    guard let first = body.first, first.isASCII, first.isNumber,
          let last = body.last, last != "_", !body.contains("__")
    else { return nil }
    var value = 0
    for ch in body where ch != "_" {
        guard ch.isASCII, let digit = ch.wholeNumberValue else { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(digit)
        if o1 || o2 { return nil }
        value = s
    }
    return negative ? -value : value
}
