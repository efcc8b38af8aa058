import ArgumentParser
import NDModel

/// The cluster a files.dat is loaded on, as both reference tools take it.
public struct ClusterOptions: ParsableArguments {
    @Argument(help: "Path to the CoreNEURON input file, typically files.dat.")
    public var inputFile: String

    @Argument(help: "The number of target machines running the simulation.")
    public var nMachines: Int

    @Option(help: "Number of ranks per machine.")
    public var ranksPerMachine: Int = 40

    public init() {}

    public func validate() throws {
        guard nMachines >= 1 else { throw ValidationError("N_MACHINES must be at least 1, got \(nMachines).") }
        guard ranksPerMachine >= 1 else {
            throw ValidationError("--ranks-per-machine must be at least 1, got \(ranksPerMachine).")
        }
        guard BucketGrid.boundedProduct(nMachines, ranksPerMachine) != nil else {
            throw ValidationError("N_MACHINES x --ranks-per-machine must be at most \(BucketGrid.maxCount) ranks, got \(nMachines) x \(ranksPerMachine).")
        }
    }
}

/// `--progress`, alone for the tools whose `-v` means something else (nd-core's voltage).
public struct ProgressOption: ParsableArguments {
    @Flag(help: "Show a progress bar on stderr even when it is not a terminal.")
    public var progress = false

    public init() {}
}

/// Options for how a tool talks to humans.
public struct ReportingOptions: ParsableArguments {
    @OptionGroup public var progressOption: ProgressOption
    public var progress: Bool { progressOption.progress }

    @Flag(name: .shortAndLong, help: "Enable verbose output for debugging.")
    public var verbose = false

    public init() {}
}
