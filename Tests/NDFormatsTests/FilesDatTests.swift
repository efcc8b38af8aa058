import NDFormats
import NDModel
import Testing

@Suite struct FilesDatTests {
    @Test func parsesNeuronsPaddedCount() {
        let dat = FilesDat(parsing: Array("1.8\n         4\n0\n24\n1\n25\n".utf8))
        #expect(dat.version == "1.8")
        #expect(dat.countField == "4")
        #expect(dat.declaredCount == 4)
        #expect(dat.entries == ["0", "24", "1", "25"])
    }

    @Test func keepsEveryLineAfterTheHeaderWhateverTheCount() {
        let dat = FilesDat(parsing: Array("1.8\n2\n0\n24\n1".utf8))
        #expect(dat.declaredCount == 2)
        #expect(dat.entries == ["0", "24", "1"])  // last line without newline still counts
    }

    @Test func readsUniversalNewlinesAndStripsLikePython() {
        let dat = FilesDat(parsing: Array("1.8\r\n 3 \r 7\t\n-1\r\n".utf8))
        #expect(dat.version == "1.8")
        #expect(dat.countField == "3")
        #expect(dat.entries == ["7", "-1"])
    }

    @Test func missingHeaderLinesReadAsEmpty() {
        let dat = FilesDat(parsing: [])
        #expect(dat.version == "")
        #expect(dat.countField == "")
        #expect(dat.declaredCount == nil)
        #expect(dat.entries.isEmpty)
    }

    @Test(arguments: [("4", 4), ("+4", 4), ("-4", -4), ("1_000", 1000), ("0", 0)])
    func countParsesAsPythonInt(_ text: String, _ value: Int) {
        #expect(parsePythonInt(text) == value)
    }

    @Test(arguments: ["", "x", "4.0", "1__0", "_1", "1_", "--4", "99999999999999999999999"])
    func countRejectsWhatPythonIntRejects(_ text: String) {
        #expect(parsePythonInt(text) == nil)
    }

    @Test func rendersUnpaddedCount() {
        let bytes = FilesDat.render(version: "1.8", entries: ["1", "-1", "37"])
        #expect(String(decoding: bytes, as: UTF8.self) == "1.8\n3\n1\n-1\n37\n")
    }

    /// NEURON's nrncore_write: a single-cycle model's count right-aligned in 10 columns
    /// (a count wider than that is written whole, never cut).
    @Test func rendersACountPaddedToAWidth() {
        #expect(String(decoding: FilesDat.render(version: "1.8", entries: ["0", "7"], countWidth: 10), as: UTF8.self) == "1.8\n         2\n0\n7\n")
        let many = (0..<901).map { String($0) }
        #expect(String(decoding: FilesDat.render(version: "1.8", entries: many, countWidth: 2), as: UTF8.self).hasPrefix("1.8\n\(many.count)\n0\n"))
        #expect(FilesDat(parsing: FilesDat.render(version: "1.8", entries: ["5"], countWidth: 10)).declaredCount == 1)
    }

    @Test func entryLineNumbersCountTheHeader() {
        #expect(FilesDat.lineNumber(ofEntry: 0) == 3)
    }
}
