import NDModel
import NDSonata

/// The synapse columns of one edge population for the edges a batch of cells needs: the
/// batch's edge ranges, sorted and joined where they touch or nearly do, as one
/// `HDF5RowSelection` read column by column (a contiguous column copied range by range
/// from the file's mapping, any other with one H5Dread). Only (about) the batch's own
/// rows are read — what a bucket reads grows with its edges, not with the population's,
/// however many buckets share it.
/// (Public for NDBuildTests, which compare it with the rows read range by range.)
public struct EdgeBlocks {
    /// The columns the model uses, of every row read, span after span (syn_weight and
    /// rise_time empty for stochastic synapses, the release columns for the others).
    public struct Block {
        public var sources: [Int64], sections: [Int64], types: [Int64]
        public var positions: [Double], delays: [Double], weights: [Double], conductances: [Double], taus: [Double], rises: [Double]
        /// Stochastic release (empty when the population has none): u_syn, depression and
        /// facilitation times, releasable vesicles, and conductance_scale_factor (-1 absent).
        public var use: [Double] = [], depressions: [Double] = [], facilitations: [Double] = [], vesicles: [Double] = []
        public var scaleFactors: [Double] = []
    }

    /// The columns neurodamus's stochastic synapses need (ProbAMPANMDA_EMS, ProbGABAAB_EMS);
    /// a population without them gets ExpSyn and Exp2Syn synapses.
    public static let releaseColumns = ["u_syn", "depression_time", "facilitation_time", "n_rrp_vesicles"]
    public static func hasRelease(_ edges: EdgePopulation) -> Bool { releaseColumns.allSatisfy(edges.hasAttribute) }

    /// Ranges at most this many rows apart (or as many as the next range has) are read as
    /// one span: the rows between are read for nothing, at most max(64, the range's rows)
    /// per range — a constant factor, never the population.
    public static let joinGap = 64

    /// The rows read, sorted and disjoint, and where each span starts in `block`'s columns.
    public private(set) var spans: [(rows: Range<Int>, offset: Int)] = []
    public private(set) var block: Block
    /// The edge ranges of each target node of the batch.
    public let ranges: [NodeID: [Range<Int>]]

    public init(_ edges: EdgePopulation, ranges: [NodeID: [Range<Int>]]) throws {
        self.ranges = ranges
        var joined: [Range<Int>] = []
        for r in ranges.values.joined().filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = joined.last, r.lowerBound <= last.upperBound + max(Self.joinGap, r.count) {
                joined[joined.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                joined.append(r)
            }
        }
        var rows = 0
        for r in joined {
            spans.append((r, rows))
            rows += r.count
        }
        let selection = try edges.rowSelection(joined)
        func integers(_ name: String, _ absent: Int64) throws -> [Int64] {
            edges.hasAttribute(name) ? try edges.integers(name, selection: selection) : [Int64](repeating: absent, count: rows)
        }
        func doubles(_ name: String, _ absent: Double) throws -> [Double] {
            edges.hasAttribute(name) ? try edges.doubles(name, selection: selection) : [Double](repeating: absent, count: rows)
        }
        // Only the columns the population's kind of synapse reads: each is a read per
        // range, the largest part of a bucket's edge reading.
        let release = Self.hasRelease(edges)
        block = Block(sources: try edges.sourceIDs(selection: selection),
                      sections: try integers("afferent_section_id", 0), types: try integers("syn_type_id", 100),
                      positions: try doubles("afferent_section_pos", 0.5), delays: try edges.doubles("delay", selection: selection),
                      weights: release ? [] : try doubles("syn_weight", 1), conductances: try doubles("conductance", 1),
                      taus: try doubles("decay_time", 2), rises: release ? [] : try doubles("rise_time", 0))
        if release {
            block.use = try edges.doubles("u_syn", selection: selection)
            block.depressions = try edges.doubles("depression_time", selection: selection)
            block.facilitations = try edges.doubles("facilitation_time", selection: selection)
            block.vesicles = try doubles("n_rrp_vesicles", 1)
            block.scaleFactors = try doubles("conductance_scale_factor", -1)
        }
    }

    /// Where the first row of `range` (one of `ranges`'s) is in `block`'s columns.
    public func offset(of range: Range<Int>) -> Int {
        var lo = 0, hi = spans.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if spans[mid].rows.upperBound <= range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        return spans[lo].offset + (range.lowerBound - spans[lo].rows.lowerBound)
    }
}
