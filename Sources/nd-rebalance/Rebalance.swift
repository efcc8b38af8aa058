import ArgumentParser
import NDBalance
import NDCLI
import NDFormats
import NDModel

extension BalanceLevel: ExpressibleByArgument {}

@main
struct Rebalance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-rebalance",
        abstract: "Redistribute CoreNEURON dat files, optimizing for a given number of machines.",
        discussion: """
            Reads files.dat, takes the size of each entry's <entry>_2.dat (in the folder of \
            INPUT_FILE) as its load, gives the entries, largest first, to the machine with \
            the least load so far, and writes a files.dat whose round-robin order puts each \
            machine's entries on its ranks. Same command line and byte-identical output as \
            neurodamus's tools/rebalance-corenrn-data.py; --balance ranks also evens out the \
            ranks inside each machine.

            The summary goes to stderr; --histogram prints the reference's top-10 and \
            histogram on stdout, --json prints JSON-lines (per machine, per rank, summaries).

            Examples:
              nd-rebalance out/coreneuron_input/files.dat 2 --ranks-per-machine 4
              nd-rebalance files.dat 100 --balance ranks --json \\
                  --output-file balanced.dat | jq 'select(.type=="summary")'
            """)

    @OptionGroup var cluster: ClusterOptions

    @Option(help: ArgumentHelp(
        "Consider only the first N entries of the input file (default: the count on line 2); 0 uses every line.",
        valueName: "N"))
    var maxEntries: Int?

    @Option(help: "The rebalanced output file path.")
    var outputFile = "rebalanced-files.dat"

    @Flag(help: "Additionally display the top 10 machines and the histogram of machine sizes.")
    var histogram = false

    @Option(help: "What to even out: machines (as the reference tool) or ranks (machines, then the ranks in each).")
    var balance: BalanceLevel = .machines

    @Flag(help: "Print a JSON-lines summary on stdout: one object per machine, per rank, and max/mean.")
    var json = false

    @OptionGroup var reporting: ReportingOptions

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-rebalance", verbose: reporting.verbose)
        try diagnostics.run {
            let input = cluster.inputFile
            try requireInputFile(input)
            diagnostics.debug("reading from input file: \(input)")
            let filesDat = try FilesDat(contentsOf: input)

            // As the reference: the count on line 2 limits the entries unless --max-entries
            // is given; a limit of 0 (or one not below the number of lines) reads them all.
            let limit: Int
            if let maxEntries {
                limit = maxEntries
            } else if let declared = filesDat.declaredCount {
                limit = declared
            } else {
                throw NDError(file: input, line: 2,
                    "expected the entry count, got '\(filesDat.countField)' (use --max-entries to override)")
            }
            var lineCount = filesDat.entries.count
            if 0 < limit && limit < lineCount {
                diagnostics.warning("\(input): processing reduced number of entries: \(limit) of \(lineCount)")
                lineCount = limit
            }
            // `-1` marks an empty slot (a previously rebalanced file): nothing to place.
            var names: [String] = []
            var indices: [Int] = []
            names.reserveCapacity(lineCount)
            indices.reserveCapacity(lineCount)
            for i in 0..<lineCount where filesDat.entries[i] != FilesDat.emptySlot {
                names.append(filesDat.entries[i])
                indices.append(i)
            }
            try checkFilesDat(filesDat, names: names, indices: indices, path: input)
            let machines = cluster.nMachines
            if names.count < machines {
                throw NDError(file: input,
                    "too little data for the selected number of machines: \(names.count) entries for \(machines) machines; specify fewer")
            }

            let sizes = try entryLoads(names, indices: indices, folder: directoryName(input),
                                       listing: input, showProgress: reporting.progress)
            let rpm = cluster.ranksPerMachine
            let plan = MachineRebalance(sizes: sizes, machineCount: machines, ranksPerMachine: rpm, level: balance)
            let output = FilesDat.render(
                version: filesDat.version,
                entries: plan.slots.map { $0.map { names[$0] } ?? FilesDat.emptySlot })
            try AtomicFile.write(output, to: outputFile, protecting: [input])

            let load = ClusterLoad(slotSizes: plan.slots.map { $0.map { sizes[$0] } },
                                   machineCount: machines, ranksPerMachine: rpm)
            let report = LoadReport(load, file: outputFile)
            diagnostics.info("wrote \(outputFile): \(plan.slots.count) slots, \(names.count) entries on \(machines) machines x \(rpm) ranks (balance: \(balance.rawValue))")
            StandardError.write(report.summaryText())

            let stdout = StandardOutput()
            if histogram {
                try stdout.write(topMachinesText(plan.machines.totals) + histogramText(plan.machines.totals.map { Double($0) }))
            }
            if json { try report.writeRecords(to: stdout) }
            try stdout.flush()
        }
    }
}

/// The reference's "top 10 machines" lines: largest (total, index) first.
func topMachinesText(_ totals: [ByteCount]) -> String {
    let top = totals.enumerated()
        .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset > $1.offset) }
        .prefix(10)
    return top.map { "  Machine \($0.offset): \(cFormat("%.1f", Double($0.element) / bytesPerMiB)) MiB\n" }.joined()
}
