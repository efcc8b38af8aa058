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
            let machines = cluster.nMachines, rpm = cluster.ranksPerMachine
            let result = try RebalanceRun(input: cluster.inputFile, output: outputFile, maxEntries: maxEntries,
                                          machines: machines, ranksPerMachine: rpm, level: balance,
                                          showProgress: reporting.progress, diagnostics: diagnostics)
            diagnostics.info("wrote \(outputFile): \(result.plan.slots.count) slots, \(result.names.count) entries on \(machines) machines x \(rpm) ranks (balance: \(balance.rawValue))")
            StandardError.write(result.report.summaryText())

            let stdout = StandardOutput()
            if histogram { try stdout.write(result.machineHistogramText()) }
            if json { try result.report.writeRecords(to: stdout) }
            try stdout.flush()
        }
    }
}
