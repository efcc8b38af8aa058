import NDFormats
import NDModel

/// Reads SWC morphologies: one sample per line, `id type x y z radius parent`, `#` comments.
/// Neurite sections are unbranched runs of samples of one type; a child section starts
/// with its branch point, as MorphIO and NEURON's import build them.
public enum SWCReader {
    public static func read(_ path: String) throws -> Morphology {
        try parse(try FileBytes.read(path), path: path)
    }

    struct Sample {
        var id: Int, type: Int, point: MorphologyPoint, parent: Int, line: Int
    }

    public static func parse(_ bytes: [UInt8], path: String) throws -> Morphology {
        var samples: [Sample] = []
        var indexOf: [Int: Int] = [:]
        try bytes.withUnsafeBufferPointer { buffer in
            for (n, range) in lineRanges(buffer).enumerated() {
                let line = n + 1
                var text = strippedLine(buffer, range)
                if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
                let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if fields.isEmpty { continue }
                guard fields.count >= 7 else {
                    throw NDError(.malformed, file: path, line: line, "expected 7 fields (id type x y z radius parent), got \(fields.count)")
                }
                guard let id = Int(fields[0]), let type = Int(fields[1]), let x = Double(fields[2]), let y = Double(fields[3]),
                      let z = Double(fields[4]), let r = Double(fields[5]), let parent = Int(fields[6])
                else { throw NDError(.malformed, file: path, line: line, "expected numbers (id type x y z radius parent), got '\(text)'") }
                guard indexOf[id] == nil else { throw NDError(.inconsistent, file: path, line: line, "sample id \(id) defined twice") }
                guard parent == -1 || indexOf[parent] != nil else {
                    throw NDError(.inconsistent, file: path, line: line, "sample \(id): parent \(parent) is not defined before it")
                }
                guard r >= 0, x.isFinite, y.isFinite, z.isFinite else {
                    throw NDError(.outOfRange, file: path, line: line, "sample \(id): expected finite coordinates and a radius >= 0")
                }
                indexOf[id] = samples.count
                samples.append(Sample(id: id, type: type, point: MorphologyPoint(x, y, z, diameter: 2 * r), parent: parent, line: line))
            }
        }
        guard !samples.isEmpty else { throw NDError(.malformed, file: path, "no samples") }

        var children = [[Int]](repeating: [], count: samples.count)
        var parentIndex = [Int](repeating: -1, count: samples.count)
        for (i, s) in samples.enumerated() where s.parent != -1 {
            parentIndex[i] = indexOf[s.parent]!
            children[parentIndex[i]].append(i)
        }
        func sectionType(_ s: Sample) throws -> SectionType {
            switch s.type {
            case 2: return .axon
            case 3: return .basal
            case 4: return .apical
            default: return .basal  // custom types (5+) count as dendrite
            }
        }

        let soma = Soma(points: samples.filter { $0.type == 1 }.map(\.point))
        var sections: [Section] = []
        var sectionOfSample = [Int](repeating: -1, count: samples.count)
        for (i, s) in samples.enumerated() where s.type != 1 {
            let p = parentIndex[i]
            let startsSection = p == -1 || samples[p].type == 1 || children[p].count != 1 || samples[p].type != s.type
            guard startsSection else { continue }
            var points: [MorphologyPoint] = []
            var parentSection: Int? = nil
            if p != -1 && samples[p].type != 1 {
                // The branch point starts the child, unless the file repeats it already.
                if !samples[p].point.samePlace(as: s.point) { points.append(samples[p].point) }
                parentSection = sectionOfSample[p]
            }
            let index = sections.count
            var k = i
            while true {
                points.append(samples[k].point)
                sectionOfSample[k] = index
                guard children[k].count == 1, samples[children[k][0]].type == s.type else { break }
                k = children[k][0]
            }
            sections.append(Section(type: try sectionType(s), parent: parentSection, points: points))
        }
        return try Morphology(path: path, soma: soma, sections: sections).checkingPoints()
    }
}
