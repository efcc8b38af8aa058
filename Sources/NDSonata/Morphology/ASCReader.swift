import NDFormats
import NDModel

/// Reads Neurolucida ASC morphologies, the format of most published circuits'
/// morphologies: s-expressions holding a `(CellBody)` contour and neurite trees
/// (`(Dendrite)`, `(Axon)`, `(Apical)`) of `(x y z d)` points whose branches are
/// parenthesised groups separated by `|`. Markers, spines, colours, contours other than
/// the cell body and end tags (`Normal`, `High`, ...) are skipped.
public enum ASCReader {
    public static func read(_ path: String) throws -> Morphology {
        try parse(try FileBytes.read(path), path: path)
    }

    indirect enum Node {
        case list([Node], line: Int)
        case word(String)
        case number(Double)
        case text(String)
        case bar
    }

    public static func parse(_ bytes: [UInt8], path: String) throws -> Morphology {
        var tokens = Tokenizer(bytes: bytes, path: path)
        var top: [Node] = []
        while let node = try parseNode(&tokens) { top.append(node) }

        var soma: [MorphologyPoint] = []
        var sections: [Section] = []
        for node in top {
            guard case .list(let items, let line) = node else { continue }
            if hasTag(items, "CellBody") {
                soma += items.compactMap(point)
            } else if let type = neuriteType(items) {
                try build(items, type: type, parent: nil, into: &sections, path: path, line: line)
            }
        }
        guard !soma.isEmpty || !sections.isEmpty else {
            throw NDError(.malformed, file: path, "no (CellBody) and no neurite found")
        }
        return try Morphology(path: path, soma: Soma(points: soma), sections: sections).checkingPoints()
    }

    /// Builds one section from `items` (its points, then at most one branching group) and,
    /// recursively, its children. A child section starts at its parent's last point.
    static func build(_ items: [Node], type: SectionType, parent: Int?, into sections: inout [Section],
                      path: String, line: Int, start: MorphologyPoint? = nil) throws {
        var points: [MorphologyPoint] = start.map { [$0] } ?? []
        var children: [[Node]] = []
        for item in items {
            if let p = point(item) {
                if !children.isEmpty {
                    throw NDError(.malformed, file: path, line: line, "a point after the branches of a section")
                }
                // A child repeating its branch point keeps its own copy instead of the parent's.
                if points.count == 1, start != nil, points[0].samePlace(as: p) { points[0] = p } else { points.append(p) }
                continue
            }
            if case .list(let inner, _) = item, isBranchGroup(inner) {
                var current: [Node] = []
                for element in inner {
                    if case .bar = element { children.append(current); current = [] } else { current.append(element) }
                }
                children.append(current)
            }
        }
        let index = sections.count
        sections.append(Section(type: type, parent: parent, points: points))
        for child in children where child.contains(where: { point($0) != nil || isBranchList($0) }) {
            try build(child, type: type, parent: index, into: &sections, path: path, line: line, start: points.last)
        }
    }

    /// `(x y z d ...)`: a list starting with at least four numbers.
    static func point(_ node: Node) -> MorphologyPoint? {
        guard case .list(let items, _) = node, items.count >= 4,
              case .number(let x) = items[0], case .number(let y) = items[1],
              case .number(let z) = items[2], case .number(let d) = items[3]
        else { return nil }
        return MorphologyPoint(x, y, z, diameter: d)
    }

    static func isBranchList(_ node: Node) -> Bool {
        if case .list(let inner, _) = node { return isBranchGroup(inner) }
        return false
    }

    /// A branching group starts with a point or a nested group; annotations start with a word.
    static func isBranchGroup(_ items: [Node]) -> Bool {
        guard let first = items.first else { return false }
        if point(first) != nil { return true }
        if case .list(let inner, _) = first, let head = inner.first {
            if case .word = head { return false }
            if case .text = head { return false }
            return isBranchGroup(inner) || point(first) != nil
        }
        return false
    }

    static func hasTag(_ items: [Node], _ tag: String) -> Bool {
        items.contains { node in
            if case .list(let inner, _) = node, inner.count == 1, case .word(let w) = inner[0] { return w == tag }
            return false
        }
    }

    static func neuriteType(_ items: [Node]) -> SectionType? {
        if hasTag(items, "Axon") { return .axon }
        if hasTag(items, "Apical") { return .apical }
        if hasTag(items, "Dendrite") { return .basal }
        return nil
    }

    static func parseNode(_ tokens: inout Tokenizer) throws -> Node? {
        guard let token = try tokens.next() else { return nil }
        switch token {
        case .open(let line):
            var items: [Node] = []
            while true {
                guard let peeked = try tokens.peek() else {
                    throw NDError(.malformed, file: tokens.path, line: line, "unclosed '(' (the file ends first)")
                }
                if case .close = peeked { _ = try tokens.next(); return .list(items, line: line) }
                if let node = try parseNode(&tokens) { items.append(node) }
            }
        case .close(let line):
            throw NDError(.malformed, file: tokens.path, line: line, "unexpected ')'")
        case .bar: return .bar
        case .word(let w):
            if let d = Double(w) { return .number(d) }
            return .word(w)
        case .text(let s): return .text(s)
        }
    }

    enum Token {
        case open(line: Int), close(line: Int), bar, word(String), text(String)
    }

    /// Splits ASC text into parentheses, `|`, quoted strings and words; `;` starts a
    /// comment; `<` and `>` (spine brackets) and `,` are separators.
    struct Tokenizer {
        let bytes: [UInt8]
        let path: String
        var i = 0
        var line = 1
        var buffered: Token?

        init(bytes: [UInt8], path: String) { self.bytes = bytes; self.path = path }

        mutating func peek() throws -> Token? {
            if buffered == nil { buffered = try scan() }
            return buffered
        }

        mutating func next() throws -> Token? {
            if let t = buffered { buffered = nil; return t }
            return try scan()
        }

        private mutating func scan() throws -> Token? {
            while i < bytes.count {
                let c = bytes[i]
                switch c {
                case 0x0A: line += 1; i += 1
                case 0x20, 0x09, 0x0D, 0x2C, 0x3C, 0x3E: i += 1
                case 0x3B:  // ; comment to end of line
                    while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                case 0x28: i += 1; return .open(line: line)
                case 0x29: i += 1; return .close(line: line)
                case 0x7C: i += 1; return .bar
                case 0x22:
                    let startLine = line
                    i += 1
                    let start = i
                    while i < bytes.count && bytes[i] != 0x22 { if bytes[i] == 0x0A { line += 1 }; i += 1 }
                    guard i < bytes.count else { throw NDError(.malformed, file: path, line: startLine, "unterminated string") }
                    let text = String(decoding: bytes[start..<i], as: UTF8.self)
                    i += 1
                    return .text(text)
                default:
                    let start = i
                    while i < bytes.count {
                        let d = bytes[i]
                        if d == 0x20 || d == 0x09 || d == 0x0A || d == 0x0D || d == 0x28 || d == 0x29 || d == 0x7C
                            || d == 0x3B || d == 0x22 || d == 0x2C || d == 0x3C || d == 0x3E { break }
                        i += 1
                    }
                    return .word(String(decoding: bytes[start..<i], as: UTF8.self))
                }
            }
            return nil
        }
    }
}
