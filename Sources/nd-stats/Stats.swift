import ArgumentParser
import NDBalance
import NDCLI
import NDFormats
import NDModel

@main
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-stats",
        abstract: "Show the load a CoreNEURON input folder puts on each rank and machine under round-robin.",
        discussion: """
            Entry i of INPUT_FILE (header excluded, -1 lines counted) is loaded by rank \
            i mod (N_MACHINES x ranks-per-machine); its load is the size of <entry>_2.dat. \
            Prints the "Machine histogram" and "Rank histogram" blocks of neurodamus's \
            tools/rebalance-stats.py (40 bins, edges in MiB) on stdout and a summary on stderr.

            Examples:
              nd-stats out/coreneuron_input/files.dat 2 --ranks-per-machine 4
              nd-stats rebalanced.dat 2 --ranks-per-machine 4 \\
                  --dat-path out/coreneuron_input --compare out/coreneuron_input/files.dat
              nd-stats files.dat 8 --json \\
                  | jq 'select(.type=="summary" and .level=="rank").max_over_mean'
            """)

    @OptionGroup var cluster: ClusterOptions

    @Option(help: ArgumentHelp("The base path of dat files (default: the folder of each input file).", valueName: "DIR"))
    var datPath: String?

    @Flag(help: "Print JSON-lines instead: one object per rank, per machine, and a summary per level.")
    var json = false

    @Option(help: ArgumentHelp("Another files.dat to show side by side with INPUT_FILE.", valueName: "OTHER.dat"))
    var compare: String?

    @Option(help: ArgumentHelp("Also draw the load per rank as an SVG bar chart (both files with --compare).", valueName: "FILE"))
    var svg: String?

    @OptionGroup var reporting: ReportingOptions

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-stats", verbose: reporting.verbose)
        try diagnostics.run {
            let first = try loadReport(cluster.inputFile, diagnostics)
            let second = try compare.map { try loadReport($0, diagnostics) }
            if let svg {
                // The after-state first when comparing a rebalanced file with its original.
                let reports = [second, first].compactMap { $0 }
                try AtomicFile.write(Array(loadPlotSVG(reports).utf8), to: svg, protecting: [cluster.inputFile] + (compare.map { [$0] } ?? []))
            }
            let stdout = StandardOutput()
            if json {
                try first.writeRecords(to: stdout)
                try second?.writeRecords(to: stdout)
            } else if let second {
                try stdout.write(comparisonText(first, second))
            } else {
                try stdout.write("Machine histogram\n" + histogramText(first.load.machineBytes.map { Double($0) }))
                try stdout.write("Rank histogram\n" + histogramText(first.load.rankBytes.map { Double($0) }))
                StandardError.write(first.summaryText())
            }
            try stdout.flush()
        }
    }

    /// The round-robin load of one files.dat.
    func loadReport(_ path: String, _ diagnostics: Diagnostics) throws -> LoadReport {
        try requireInputFile(path)
        diagnostics.debug("reading from input file: \(path)")
        let filesDat = try FilesDat(contentsOf: path)
        // As the reference: every line after the header is a slot; one starting with -1 is empty.
        var names: [String] = []
        var indices: [Int] = []
        for (i, entry) in filesDat.entries.enumerated() where !entry.hasPrefix(FilesDat.emptySlot) {
            names.append(entry)
            indices.append(i)
        }
        try checkFilesDat(filesDat, names: names, indices: indices, path: path)
        let sizes = try entryLoads(names, indices: indices, folder: datPath ?? directoryName(path),
                                   listing: path, showProgress: reporting.progress)
        var slotSizes = [ByteCount?](repeating: nil, count: filesDat.entries.count)
        for (k, i) in indices.enumerated() { slotSizes[i] = sizes[k] }
        let load = ClusterLoad(slotSizes: slotSizes, machineCount: cluster.nMachines,
                               ranksPerMachine: cluster.ranksPerMachine)
        return LoadReport(load, file: path)
    }
}
