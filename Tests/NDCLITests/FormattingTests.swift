import NDFormats
import NDBalance
import NDCLI
import NDModel
import Testing

@Suite struct FormattingTests {
    @Test func cFormatRoundsHalfToEvenLikePython() {
        #expect(cFormat("%5.0f", 0.5) == "    0")
        #expect(cFormat("%5.0f", 1.5) == "    2")
        #expect(cFormat("%5.0f", 2.5) == "    2")
        #expect(cFormat("%5.0f", -0.25) == "   -0")
        #expect(cFormat("%.1f", 0.25) == "0.2")
        #expect(cFormat("%5.0f", 123456.7) == "123457")
    }

    @Test func histogramBlockPrintsOnlyNonEmptyBinsInMiB() {
        let mib = 1048576.0
        let text = histogramText([0, 40 * mib, 40 * mib])
        #expect(text == "  [    0 -     1]: 1\n  [   39 -    40]: 2\n")
        #expect(histogramText([5 * mib, 5 * mib]) == "  [    5 -     5]: 2\n")
    }

    @Test func directoryNameIsPythonsDirname() {
        #expect(directoryName("files.dat") == "")
        #expect(directoryName("a/files.dat") == "a")
        #expect(directoryName("a//b/files.dat") == "a//b")
        #expect(directoryName("a//files.dat") == "a")
        #expect(directoryName("/files.dat") == "/")
        #expect(directoryName("//files.dat") == "//")
    }

    @Test func loadReportRecordsCoverRanksMachinesAndSummaries() {
        let load = ClusterLoad(slotSizes: [10, 30, nil, 20], machineCount: 2, ranksPerMachine: 2)
        let records = LoadReport(load, file: "f.dat").records()
        #expect(records.count == 4 + 2 + 2)
        #expect(records[0]["type"] == "rank" && records[0]["bytes"] == 10)
        #expect(records[4]["type"] == "machine" && records[4]["bytes"] == 40)
        let rankSummary = records[7]
        #expect(rankSummary["level"] == "rank" && rankSummary["max"] == 30)
        #expect(rankSummary["max_over_mean"]?.doubleValue == 2)
    }
}
