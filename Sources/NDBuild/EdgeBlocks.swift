import NDModel
import NDSonata

/// The synapse columns of one edge population for the edges a batch of cells needs, read
/// in a few large blocks (ranges closer than `maxGap` rows merged) instead of nine small
/// reads per cell and range: HDF5's cost is per read, and a rank's cells under
/// round-robin have edges a few hundred rows apart.
struct EdgeBlocks {
    /// One contiguous block of rows with every column the model uses.
    struct Block {
        var rows: Range<Int>
        var sources: [Int64], sections: [Int64], types: [Int64]
        var positions: [Double], delays: [Double], weights: [Double], conductances: [Double], taus: [Double], rises: [Double]
        /// Stochastic release (empty when the population has none): u_syn, depression and
        /// facilitation times, releasable vesicles, and conductance_scale_factor (-1 absent).
        var use: [Double] = [], depressions: [Double] = [], facilitations: [Double] = [], vesicles: [Double] = []
        var scaleFactors: [Double] = []
    }

    /// The columns neurodamus's stochastic synapses need (ProbAMPANMDA_EMS, ProbGABAAB_EMS);
    /// a population without them gets ExpSyn and Exp2Syn synapses.
    static let releaseColumns = ["u_syn", "depression_time", "facilitation_time", "n_rrp_vesicles"]
    static func hasRelease(_ edges: EdgePopulation) -> Bool { releaseColumns.allSatisfy(edges.hasAttribute) }

    static let maxGap = 4096
    static let maxRows = 1 << 20

    private(set) var blocks: [Block] = []
    /// The edge ranges of each target node of the batch.
    let ranges: [Int: [Range<Int>]]

    init(_ edges: EdgePopulation, ranges: [Int: [Range<Int>]]) throws {
        self.ranges = ranges
        var merged: [Range<Int>] = []
        for r in ranges.values.joined().filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound + Self.maxGap,
               max(last.upperBound, r.upperBound) - last.lowerBound <= Self.maxRows {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        func integers(_ name: String, _ rows: Range<Int>, _ absent: Int64) throws -> [Int64] {
            edges.hasAttribute(name) ? try edges.integers(name, rows: rows) : [Int64](repeating: absent, count: rows.count)
        }
        func doubles(_ name: String, _ rows: Range<Int>, _ absent: Double) throws -> [Double] {
            edges.hasAttribute(name) ? try edges.doubles(name, rows: rows) : [Double](repeating: absent, count: rows.count)
        }
        let release = Self.hasRelease(edges)
        blocks = try merged.map { rows in
            var b = Block(rows: rows, sources: try edges.sourceIDs(rows: rows),
                          sections: try integers("afferent_section_id", rows, 0), types: try integers("syn_type_id", rows, 100),
                          positions: try doubles("afferent_section_pos", rows, 0.5), delays: try edges.doubles("delay", rows: rows),
                          weights: try doubles("syn_weight", rows, 1), conductances: try doubles("conductance", rows, 1),
                          taus: try doubles("decay_time", rows, 2), rises: try doubles("rise_time", rows, 0))
            if release {
                b.use = try edges.doubles("u_syn", rows: rows)
                b.depressions = try edges.doubles("depression_time", rows: rows)
                b.facilitations = try edges.doubles("facilitation_time", rows: rows)
                b.vesicles = try doubles("n_rrp_vesicles", rows, 1)
                b.scaleFactors = try doubles("conductance_scale_factor", rows, -1)
            }
            return b
        }
    }

    /// The block holding `range` and the range's first row in it.
    func locate(_ range: Range<Int>) -> (block: Int, offset: Int) {
        var lo = 0, hi = blocks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blocks[mid].rows.upperBound <= range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        return (lo, range.lowerBound - blocks[lo].rows.lowerBound)
    }
}
