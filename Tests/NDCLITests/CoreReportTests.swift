import NDCLI
import Testing

@Suite struct CoreReportTests {
    @Test func sizesAreWrittenAsCoreNeuronWritesThem() {
        #expect(CoreReport.size(1023) == "1023 bytes")
        #expect(CoreReport.size(1536) == "1.50 kB")
        #expect(CoreReport.size(3 * 1048576) == "3.00 MB")
        #expect(CoreReport.size(5000 * 1073741824) == "5000.00 GB")
    }

    @Test func modelCountsSumAsOneArrayAndReadAsTwoLines() {
        let counts = ModelCounts(cells: 2, nodes: 10, compartments: 8, synapses: 4, netcons: 3, modelBytes: 2048, coreNeuronBytes: 100)
        #expect(ModelCounts(summed: counts.values) == counts)
        #expect(counts.lines(ranks: 2) == [
            "model: 2 cells, 10 nodes (8 with membrane), 4 synapses, 3 netcons on 2 ranks",
            "model size: 2.00 kB here, 100 bytes in CoreNEURON's layout",
        ])
        #expect(CoreReport.done(spikes: 7, ranks: 2, runSeconds: 0.125, output: "out") == "7 spikes, 2 ranks, 0.12 s -> out/out.dat")
    }
}
