import NDCLI
import NDFormats
import NDModel
import Testing

@Suite struct InstantiateReportTests {
    final class Collected: ByteSink {
        var bytes: [UInt8] = []
        func write(_ bytes: [UInt8]) throws { self.bytes += bytes }
    }

    static func bucket(_ b: Int, entry: Int64, rank: Int, cycle: Int, cells: Int) -> BuiltBucket {
        var seconds = PhaseSeconds()
        seconds.cells = 0.123456; seconds.edges = 0.00004; seconds.synapses = 1.5
        seconds.writeCells = 0.00006; seconds.writeSynapses = 2
        return BuiltBucket(bucket: b, entry: entry, rank: rank, cycle: cycle, cells: cells, compartments: 10 * cells,
                           synapses: 3 * cells, crc1: 1, size1: 100, crc2: 2, size2: 1000, seconds: seconds)
    }

    @Test func oneLinePerBucketInBucketOrderWithSecondsTo100Microseconds() throws {
        let report = InstantiateReport(folder: "out/coreneuron_input", grid: BucketGrid(ranks: 2, cycles: 1), cells: 5,
                                       buckets: [Self.bucket(0, entry: 3, rank: 0, cycle: 0, cells: 2), Self.bucket(1, entry: 0, rank: 1, cycle: 0, cells: 3)])
        let sink = Collected()
        try report.write(to: sink)
        #expect(String(decoding: sink.bytes, as: UTF8.self) == """
            {"entry":3,"rank":0,"cycle":0,"cells":2,"compartments":20,"synapses":6,"bytes":1100,"seconds":{"cells":0.1235,"edges":0.0,"synapses":1.5,"write_cells":0.0001,"write_synapses":2.0}}
            {"entry":0,"rank":1,"cycle":0,"cells":3,"compartments":30,"synapses":9,"bytes":1100,"seconds":{"cells":0.1235,"edges":0.0,"synapses":1.5,"write_cells":0.0001,"write_synapses":2.0}}

            """)
        #expect(report.summary == "wrote out/coreneuron_input: 2 buckets (2 ranks x 1 cycles), 5 cells")
    }
}
