import NDFormats
import NDModel

/// nd-instantiate's report: one JSON-line per bucket on stdout (its entry, rank, cycle,
/// counts, bytes and where its time went), and the closing line for stderr.
public struct InstantiateReport {
    public let folder: String
    public let grid: BucketGrid
    /// Cells over every bucket.
    public let cells: Int
    /// Every bucket, in bucket order.
    public let buckets: [BuiltBucket]

    public init(folder: String, grid: BucketGrid, cells: Int, buckets: [BuiltBucket]) {
        self.folder = folder; self.grid = grid; self.cells = cells; self.buckets = buckets
    }

    /// Bucket `b`'s JSON-line; seconds to 0.1 ms (finer is noise, and longer lines).
    public static func record(_ b: BuiltBucket) -> JSONObject {
        func seconds(_ s: Double) -> JSONValue { .double((s * 1e4).rounded() / 1e4) }
        let t = b.seconds
        return [
            "entry": .int(b.entry), "rank": .int(Int64(b.rank)), "cycle": .int(Int64(b.cycle)),
            "cells": .int(Int64(b.cells)), "compartments": .int(Int64(b.compartments)), "synapses": .int(Int64(b.synapses)),
            "bytes": .int(Int64(b.bytes)),
            "seconds": .object([
                "cells": seconds(t.cells), "edges": seconds(t.edges), "synapses": seconds(t.synapses),
                "write_cells": seconds(t.writeCells), "write_synapses": seconds(t.writeSynapses),
            ]),
        ]
    }

    /// Every bucket's JSON-line, in bucket order.
    public func write(to sink: ByteSink) throws {
        let lines = JSONLinesWriter(sink)
        for b in buckets { try lines.write(Self.record(b)) }
    }

    /// What was written, for stderr.
    public var summary: String {
        "wrote \(folder): \(buckets.count) buckets (\(grid.ranks) ranks x \(grid.cycles) cycles), \(cells) cells"
    }
}
