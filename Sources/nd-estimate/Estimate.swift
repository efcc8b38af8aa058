#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import NDBalance
import NDCLI
import NDFormats
import NDModel
import NDEngine
import NDBuild
import NDSonata

@main
struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nd-estimate",
        abstract: "Dry run: predict memory per cell, per rank and per node before anything is booked.",
        discussion: """
            Groups the simulated cells by metype per population, measures each metype by \
            building up to 50 of its cells in the engine and reading its byte account, counts \
            every cell's afferent synapses from the edge indices (--sample: neurodamus's \
            sampling), and prints one JSON-line per cell on stdout (the input of nd-allocate). \
            The tables (per metype, per synapse type, totals, suggested nodes and ranks) go to \
            stderr; --json prints the totals there as one object instead. Reuses \
            cell_memory_usage.json (neurodamus's schema; --cell-memory-usage, or the one in \
            --output-dir) and writes the updated one and memory_per_metype.json in --output-dir.

            Examples:
              nd-estimate examples/circuit/simulation_config.json > estimates.jsonl
              nd-estimate CONFIG --num-target-ranks 4 --node-memory 256G --ranks-per-node 64 \\
                  | jq -s 'group_by(.metype) | map({m: .[0].metype, kb: (map(.total_kb) | add)})'
            """)

    @Argument(help: "The SONATA simulation_config.json.")
    var simulationConfig: String

    @Option(help: "Reuse this cell_memory_usage.json (default: OUTPUT_DIR/cell_memory_usage.json); the updated one goes to OUTPUT_DIR, the file given is never rewritten.")
    var cellMemoryUsage: String?

    @Option(help: "Ranks the allocation will target (default: the suggested nodes x ranks per node).")
    var numTargetRanks: Int?

    @Option(help: "Model-building cycles (reported; memory per rank divides by ranks only).")
    var modelbuildingSteps: Int = 1

    @Option(help: "Memory of one node, e.g. 256G or 512000M (default: this machine's).")
    var nodeMemory: String?

    @Option(help: "Ranks per node (default: this machine's cores).")
    var ranksPerNode: Int?

    @Option(help: "Folder for cell_memory_usage.json and memory_per_metype.json.")
    var outputDir: String = "."

    @Flag(help: "Sample synapse counts (neurodamus's blocks) instead of counting them all.")
    var sample = false

    @Flag(help: "Print the totals as one JSON object on stderr instead of the tables.")
    var json = false

    @OptionGroup var reporting: ReportingOptions

    func validate() throws {
        if let r = numTargetRanks, r < 1 { throw ValidationError("--num-target-ranks must be at least 1.") }
        if let r = ranksPerNode, r < 1 { throw ValidationError("--ranks-per-node must be at least 1.") }
        guard modelbuildingSteps >= 1 else { throw ValidationError("--modelbuilding-steps must be at least 1.") }
        if BucketGrid.boundedProduct(numTargetRanks ?? 1, modelbuildingSteps) == nil || (ranksPerNode ?? 1) > BucketGrid.maxCount {
            throw ValidationError("--num-target-ranks x --modelbuilding-steps and --ranks-per-node must be at most \(BucketGrid.maxCount).")
        }
        if let m = nodeMemory, parseSize(m) == nil { throw ValidationError("--node-memory: expected a size such as 256G, got '\(m)'.") }
    }

    func run() throws {
        let diagnostics = Diagnostics(tool: "nd-estimate", verbose: reporting.verbose)
        try diagnostics.run {
            let builder = try ModelBuilder(simulationConfig: simulationConfig) { diagnostics.warning($0) }
            let estimator = MemoryEstimator(builder: builder)
            let cells = try builder.simulatedCells()
            let metypes = try estimator.metypes(of: cells)
            let usagePath = cellMemoryUsage ?? PathUtil.join(outputDir, "cell_memory_usage.json")
            var usage = fileExists(usagePath) ? try CellMemoryUsage(contentsOf: usagePath) : CellMemoryUsage()

            // Memory per metype: measured unless the usage file has it.
            // Cell indices per metype, in cell order.
            let byMetype = Dictionary(grouping: cells.indices, by: { metypes[$0] })
            let names = byMetype.keys.sorted()
            let bar = ProgressBar("measure \(names.count) metypes", total: names.count, force: reporting.progress)
            var rss: [String: Double] = [:]
            // CoreNEURON's bytes per cell: measured with the rest, or kept from an earlier
            // run's memory_per_metype.json (neurodamus's usage file has no place for them).
            var coreKiB = try Self.previousCoreNeuronKiB(PathUtil.join(outputDir, "memory_per_metype.json"))
            for m in names {
                defer { bar.advance() }
                if usage.metypeMemoryKiB[m] != nil && coreKiB[m] != nil { continue }
                let measured = try estimator.measure(byMetype[m]!.map { cells[$0] })
                if usage.metypeMemoryKiB[m] == nil {
                    usage.metypeMemoryKiB[m] = measured.kibPerCell
                    rss[m] = measured.rssKiBPerCell
                }
                coreKiB[m] = measured.coreNeuronKiBPerCell
            }
            bar.finish()

            // Synapses per cell and their bytes.
            var synapses = [Double](repeating: 0, count: cells.count)
            var synapseKiB = [Double](repeating: 0, count: cells.count)
            var typeCounts: [String: Double] = [:]
            var typeKiB: [String: Double] = [:]
            var coreSynapseBytes = 0.0, datasetSynapseBytes = 0.0
            let byPopulation = Dictionary(grouping: cells.indices, by: { cells[$0].population })
            for population in byPopulation.keys.sorted() {
                let popMetypes = try estimator.metypes(ofPopulation: population)
                let perEdges: [(EdgePopulation, (Int) -> Double)]
                if sample {
                    perEdges = try estimator.sampledSynapseMeans(population: population, metypeOfNode: popMetypes).map { e, means in
                        let fallback = means.values.reduce(0, +) / Double(max(means.count, 1))
                        return (e, { means[popMetypes[$0]] ?? fallback })
                    }
                } else {
                    perEdges = try estimator.exactSynapseCounts(population: population).map { e, counts in (e, { Double(counts[$0]) }) }
                }
                for (edges, count) in perEdges {
                    let (bytes, coreBytes, fileBytes, kind) = try estimator.bytesPerSynapse(edges)
                    var total = 0.0
                    for i in byPopulation[population]! {
                        let n = count(cells[i].nodeID)
                        synapses[i] += n
                        synapseKiB[i] += n * bytes / 1024
                        total += n
                    }
                    coreSynapseBytes += total * coreBytes
                    datasetSynapseBytes += total * fileBytes
                    let label = edges.name + " (" + kind + ")"
                    typeCounts[label, default: 0] += total
                    typeKiB[label, default: 0] += total * bytes / 1024
                }
            }

            // Per-cell estimates on stdout.
            let out = StandardOutput()
            let writer = JSONLinesWriter(out)
            var estimates: [CellEstimate] = []
            for (i, cell) in cells.enumerated() {
                let e = CellEstimate(population: cell.population, nodeID: cell.nodeID, metype: metypes[i],
                                     cellKiB: usage.metypeMemoryKiB[metypes[i]]!, synapses: synapses[i], synapseKiB: synapseKiB[i])
                estimates.append(e)
                try writer.write(EstimatesJSONLines.record(e))
            }
            try out.flush()

            // cell_memory_usage.json and memory_per_metype.json.
            var perMetype = JSONObject()
            usage.populationMetypeNodeIDs = [:]
            for m in names {
                let ids = byMetype[m]!
                let meanSynapses = ids.reduce(0) { $0 + synapses[$1] } / Double(ids.count)
                usage.metypeSynapseAverage[m] = meanSynapses
                let total = ids.reduce(0) { $0 + estimates[$1].totalKiB }
                perMetype[m] = .object([
                    "kib_per_cell": .double(usage.metypeMemoryKiB[m]!), "cells": .int(Int64(ids.count)),
                    "mean_synapses": .double(meanSynapses), "total_kib": .double(total),
                    "coreneuron_kib_per_cell": .double(coreKiB[m]!),
                ])
            }
            for (cell, metype) in zip(cells, metypes) {
                usage.populationMetypeNodeIDs[cell.population, default: [:]][metype, default: []].append(cell.nodeID)
            }
            try makeDirectories(outputDir)
            // The updated usage goes to the output folder: an input is never rewritten.
            try AtomicFile.write(try usage.encoded(), to: PathUtil.join(outputDir, "cell_memory_usage.json"))
            try AtomicFile.write(Array(try JSONCodec.encodePretty(.object(perMetype), indent: 4, sortKeys: true).utf8),
                                 to: PathUtil.join(outputDir, "memory_per_metype.json"))

            // Totals and suggestions.
            let model = RankMemoryModel.measured
            let cellBytes = estimates.reduce(0) { $0 + $1.cellKiB } * 1024
            let synapseBytes = estimates.reduce(0) { $0 + $1.synapseKiB } * 1024
            let modelBytes = cellBytes + synapseBytes
            let perNode = try nodeMemory.map { try parseSizeOrThrow($0) } ?? machineMemory()
            let rpn = ranksPerNode ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            let nodes = model.suggestedNodes(modelBytes: modelBytes, ranksPerNode: rpn, nodeMemoryBytes: perNode)
            let ranks = numTargetRanks ?? nodes * rpn
            let overhead = Double(ranks) * model.baseBytes(ranks: ranks)
            let simulation = (model.simulationFactor - 1) * modelBytes
            let grand = overhead + modelBytes + simulation
            // What CoreNEURON (special-core) would hold: its cells and synapses, and per
            // rank and cycle a thread of its own.
            let coreBytes = cells.indices.reduce(0.0) { $0 + coreKiB[metypes[$1]]! * 1024 } + coreSynapseBytes
                + Double(ranks * modelbuildingSteps * CoreNeuronAccount.threadBytes)
            if json {
                StandardError.write(try JSONCodec.encode(.object([
                    "cells": .int(Int64(cells.count)), "metypes": .int(Int64(names.count)),
                    "synapses": .double(synapses.reduce(0, +).rounded()),
                    "overhead_bytes": .double(overhead), "cell_bytes": .double(cellBytes.rounded()),
                    "synapse_bytes": .double(synapseBytes.rounded()), "simulation_bytes": .double(simulation.rounded()),
                    "total_bytes": .double(grand.rounded()), "node_memory_bytes": .double(perNode),
                    "ranks_per_node": .int(Int64(rpn)), "suggested_nodes": .int(Int64(nodes)),
                    "target_ranks": .int(Int64(ranks)), "modelbuilding_steps": .int(Int64(modelbuildingSteps)),
                    "mean_rank_model_bytes": .double((modelBytes / Double(ranks)).rounded()),
                    "mean_rank_peak_rss_bytes": .double(model.peakRSS(modelBytes: modelBytes / Double(ranks), ranks: ranks).rounded()),
                    "rank_base_bytes": .double(model.baseBytes(ranks: ranks)),
                    "simulation_factor": .double(model.simulationFactor),
                    "coreneuron_model_bytes": .double(coreBytes.rounded()),
                    "mean_rank_coreneuron_model_bytes": .double((coreBytes / Double(ranks)).rounded()),
                    "synapse_dataset_bytes": .double(datasetSynapseBytes.rounded()),
                ])) + "\n")
            } else {
                var t = "+" + String(repeating: "=", count: 24) + " METype Memory Estimates (MiB) " + String(repeating: "=", count: 25) + "+\n"
                t += "| " + pad("METype", 34) + " | " + lpad("Mem/cell", 9) + " | " + lpad("N Cells", 8) + " | " + lpad("Mem Total", 10) + " | " + lpad("RSS/cell", 9) + " |\n"
                for m in names {
                    let kib = usage.metypeMemoryKiB[m]!, n = byMetype[m]!.count
                    t += "| " + pad(m, 34) + " | " + lpad(cFormat("%.3f", kib / 1024), 9) + " | " + lpad("\(n)", 8) + " | "
                        + lpad(cFormat("%.2f", kib * Double(n) / 1024), 10) + " | " + lpad(rss[m].map { cFormat("%.3f", $0 / 1024) } ?? "cached", 9) + " |\n"
                }
                t += "+" + String(repeating: "-", count: 80) + "+\n"
                t += "+" + String(repeating: "=", count: 30) + " Synapse Count " + String(repeating: "=", count: 35) + "+\n"
                for k in typeCounts.keys.sorted() {
                    t += "| " + pad(k, 50) + " | " + lpad(cFormat("%.0f", typeCounts[k]!), 10) + " | " + lpad(cFormat("%.2f", typeKiB[k]! / 1024), 10) + " MiB |\n"
                }
                t += "+" + String(repeating: "=", count: 24) + " Total Memory Estimates " + String(repeating: "=", count: 32) + "+\n"
                for (item, bytes) in [("Overhead (ranks=\(ranks))", overhead), ("Cells", cellBytes), ("Synapses", synapseBytes),
                                      ("Simulation", simulation), ("GRAND TOTAL", grand)] {
                    t += "| " + pad(item, 50) + " | " + lpad(cFormat("%.1f", bytes / 1048576), 12) + " MiB |\n"
                }
                t += "+" + String(repeating: "-", count: 80) + "+\n"
                t += "Suggested: at least \(nodes) node(s) of \(cFormat("%.1f", perNode / 1073741824)) GiB with \(rpn) ranks each (30% margin); "
                    + "target ranks \(ranks); per rank about \(cFormat("%.1f", modelBytes / Double(ranks) / 1048576)) MiB of model, "
                    + "\(cFormat("%.1f", model.peakRSS(modelBytes: modelBytes / Double(ranks), ranks: ranks) / 1048576)) MiB peak RSS.\n"
                    + "Under CoreNEURON (special-core) instead: model size \(cFormat("%.1f", coreBytes / 1048576)) MiB, "
                    + "\(cFormat("%.1f", coreBytes / Double(ranks) / 1048576)) MiB per rank.\n"
                StandardError.write(t)
            }
        }
    }
}

extension Estimate {
    /// `coreneuron_kib_per_cell` by metype from an earlier memory_per_metype.json, if any.
    static func previousCoreNeuronKiB(_ path: String) throws -> [String: Double] {
        guard fileExists(path) else { return [:] }
        let value = try FileBytes.read(path).withUnsafeBufferPointer { try JSONCodec.decode($0, file: path) }
        var result: [String: Double] = [:]
        for (metype, entry) in value.objectValue?.members ?? [] {
            if let kib = entry.objectValue?["coreneuron_kib_per_cell"]?.doubleValue, kib.isFinite, kib > 0 { result[metype] = kib }
        }
        return result
    }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? String(s.prefix(n)) : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

/// `256G`, `512000M`, `1T`, `1048576` (bytes) → bytes.
func parseSize(_ text: String) -> Double? {
    let units: [Character: Double] = ["K": 1024, "M": 1048576, "G": 1073741824, "T": 1099511627776]
    var t = text.uppercased()
    if t.hasSuffix("B") || t.hasSuffix("IB") { t = String(t.dropLast(t.hasSuffix("IB") ? 2 : 1)) }
    if let last = t.last, let factor = units[last] { return Double(t.dropLast()).map { $0 * factor } }
    return Double(t)
}

func parseSizeOrThrow(_ text: String) throws -> Double {
    guard let x = parseSize(text), x > 0 else { throw NDError("--node-memory: expected a size such as 256G, got '\(text)'") }
    return x
}

/// This machine's memory [bytes].
func machineMemory() -> Double {
    Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
}


