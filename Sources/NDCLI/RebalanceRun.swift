import NDBalance
import NDFormats
import NDModel

/// What nd-rebalance reads, computes and writes, apart from its command line: the
/// entries of a files.dat to place, their loads, the plan over machines (and ranks), the
/// rebalanced files.dat, and the load it puts on the cluster.
public struct RebalanceRun {
    /// Machines, then slots in files.dat order (an index into `names`, nil for `-1`).
    public let plan: MachineRebalance
    /// The entries placed (the `-1` slots of the input left out).
    public let names: [String]
    /// The load of the written files.dat on the cluster, for the summary and `--json`.
    public let report: LoadReport

    /// Reads `input`, places its entries by the size of their `_2.dat` and writes the
    /// rebalanced files.dat to `output` (never over the input). `maxEntries` limits the
    /// entries considered as the reference's option does; warnings go to `diagnostics`.
    public init(input: String, output: String, maxEntries: Int?, machines: Int, ranksPerMachine: Int,
                level: BalanceLevel, showProgress: Bool, diagnostics: Diagnostics) throws {
        try requireInputFile(input)
        diagnostics.debug("reading from input file: \(input)")
        let filesDat = try FilesDat(contentsOf: input)
        let (names, indices) = try Self.entries(of: filesDat, path: input, maxEntries: maxEntries, diagnostics: diagnostics)
        if names.count < machines {
            throw NDError(.usage, file: input,
                "too little data for the selected number of machines: \(names.count) entries for \(machines) machines; specify fewer")
        }
        let sizes = try entryLoads(names, indices: indices, folder: directoryName(input),
                                   listing: input, showProgress: showProgress)
        plan = MachineRebalance(sizes: sizes, machineCount: machines, ranksPerMachine: ranksPerMachine, level: level)
        self.names = names
        let rendered = FilesDat.render(
            version: filesDat.version,
            entries: plan.slots.map { $0.map { names[$0] } ?? FilesDat.emptySlot })
        try AtomicFile.write(rendered, to: output, protecting: [input])
        report = LoadReport(ClusterLoad(slotSizes: plan.slots.map { $0.map { sizes[$0] } },
                                        machineCount: machines, ranksPerMachine: ranksPerMachine),
                            file: output)
    }

    /// The entries to place and their entry indices. As the reference: the count on line 2
    /// limits the entries unless `maxEntries` is given; a limit of 0 (or one not below the
    /// number of lines) reads them all; `-1` marks an empty slot (a previously rebalanced
    /// file), with nothing to place.
    static func entries(of filesDat: FilesDat, path: String, maxEntries: Int?,
                        diagnostics: Diagnostics) throws -> (names: [String], indices: [Int]) {
        let limit: Int
        if let maxEntries {
            limit = maxEntries
        } else if let declared = filesDat.declaredCount {
            limit = declared
        } else {
            throw NDError(.malformed, file: path, line: 2,
                "expected the entry count, got '\(filesDat.countField)' (use --max-entries to override)")
        }
        var lineCount = filesDat.entries.count
        if 0 < limit && limit < lineCount {
            diagnostics.warning("\(path): processing reduced number of entries: \(limit) of \(lineCount)")
            lineCount = limit
        }
        var names: [String] = []
        var indices: [Int] = []
        names.reserveCapacity(lineCount)
        indices.reserveCapacity(lineCount)
        for i in 0..<lineCount where filesDat.entries[i] != FilesDat.emptySlot {
            names.append(filesDat.entries[i])
            indices.append(i)
        }
        try checkFilesDat(filesDat, names: names, indices: indices, path: path)
        return (names, indices)
    }

    /// The reference's `--histogram` block: the top 10 machines, then the histogram of
    /// machine sizes.
    public func machineHistogramText() -> String {
        let totals = plan.machines.totals
        return topMachinesText(totals) + histogramText(totals.map { Double($0) })
    }
}

/// The reference's "top 10 machines" lines: largest (total, index) first.
func topMachinesText(_ totals: [ByteCount]) -> String {
    let top = totals.enumerated()
        .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset > $1.offset) }
        .prefix(10)
    return top.map { "  Machine \($0.offset): \(cFormat("%.1f", Double($0.element) / bytesPerMiB)) MiB\n" }.joined()
}
