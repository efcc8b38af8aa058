import NDBalance
import NDFormats
import NDModel

/// nd-estimate's totals and suggestions — memory per rank and node, the nodes and ranks
/// to book, what CoreNEURON would hold — and their two renderings for stderr: neurodamus's
/// tables, or one JSON object.
public struct EstimateReport {
    public struct Metype {
        public var name: String
        public var kibPerCell: Double
        public var cells: Int
        /// Peak RSS per cell when measured in this run (nil: taken from the usage file).
        public var rssKiBPerCell: Double?
        public init(name: String, kibPerCell: Double, cells: Int, rssKiBPerCell: Double?) {
            self.name = name; self.kibPerCell = kibPerCell; self.cells = cells; self.rssKiBPerCell = rssKiBPerCell
        }
    }

    public let metypes: [Metype]
    /// Per edge population and synapse kind, sorted: synapses and their memory [KiB].
    public let synapseKinds: [(label: String, synapses: Double, kib: Double)]
    public let cells: Int
    public let synapses: Double
    public let cellBytes: Double
    public let synapseBytes: Double
    public let datasetSynapseBytes: Double
    public let modelbuildingSteps: Int
    public let nodeMemoryBytes: Double
    public let ranksPerNode: Int
    public let suggestedNodes: Int
    public let ranks: Int
    public let model = RankMemoryModel.measured
    /// CoreNEURON's model: cells, synapses and a thread per rank and cycle [bytes].
    public let coreNeuronBytes: Double

    /// `coreNeuronBytes(ranks)` is what CoreNEURON would hold on that many ranks.
    public init(metypes: [Metype], synapseKinds: [(label: String, synapses: Double, kib: Double)], estimates: [CellEstimate],
                datasetSynapseBytes: Double, modelbuildingSteps: Int, targetRanks: Int?, nodeMemoryBytes: Double, ranksPerNode: Int,
                coreNeuronBytes: (Int) -> Double) {
        self.metypes = metypes
        self.synapseKinds = synapseKinds
        cells = estimates.count
        synapses = estimates.reduce(0) { $0 + $1.synapses }
        cellBytes = estimates.reduce(0) { $0 + $1.cellKiB } * 1024
        synapseBytes = estimates.reduce(0) { $0 + $1.synapseKiB } * 1024
        self.datasetSynapseBytes = datasetSynapseBytes
        self.modelbuildingSteps = modelbuildingSteps
        self.nodeMemoryBytes = nodeMemoryBytes
        self.ranksPerNode = ranksPerNode
        suggestedNodes = model.suggestedNodes(modelBytes: cellBytes + synapseBytes, ranksPerNode: ranksPerNode, nodeMemoryBytes: nodeMemoryBytes)
        ranks = targetRanks ?? suggestedNodes * ranksPerNode
        self.coreNeuronBytes = coreNeuronBytes(ranks)
    }

    public var modelBytes: Double { cellBytes + synapseBytes }
    public var overheadBytes: Double { Double(ranks) * model.baseBytes(ranks: ranks) }
    public var simulationBytes: Double { (model.simulationFactor - 1) * modelBytes }
    public var totalBytes: Double { overheadBytes + modelBytes + simulationBytes }
    public var meanRankPeakRSS: Double { model.peakRSS(modelBytes: modelBytes / Double(ranks), ranks: ranks) }

    /// The totals as one JSON object (`--json`).
    public func json() throws -> String {
        try JSONCodec.encode(.object([
            "cells": .int(Int64(cells)), "metypes": .int(Int64(metypes.count)),
            "synapses": .double(synapses.rounded()),
            "overhead_bytes": .double(overheadBytes), "cell_bytes": .double(cellBytes.rounded()),
            "synapse_bytes": .double(synapseBytes.rounded()), "simulation_bytes": .double(simulationBytes.rounded()),
            "total_bytes": .double(totalBytes.rounded()), "node_memory_bytes": .double(nodeMemoryBytes),
            "ranks_per_node": .int(Int64(ranksPerNode)), "suggested_nodes": .int(Int64(suggestedNodes)),
            "target_ranks": .int(Int64(ranks)), "modelbuilding_steps": .int(Int64(modelbuildingSteps)),
            "mean_rank_model_bytes": .double((modelBytes / Double(ranks)).rounded()),
            "mean_rank_peak_rss_bytes": .double(meanRankPeakRSS.rounded()),
            "rank_base_bytes": .double(model.baseBytes(ranks: ranks)),
            "simulation_factor": .double(model.simulationFactor),
            "coreneuron_model_bytes": .double(coreNeuronBytes.rounded()),
            "mean_rank_coreneuron_model_bytes": .double((coreNeuronBytes / Double(ranks)).rounded()),
            "synapse_dataset_bytes": .double(datasetSynapseBytes.rounded()),
        ])) + "\n"
    }

    /// neurodamus's dry-run tables (MiB), then the suggestion.
    public func tables() -> String {
        func pad(_ s: String, _ n: Int) -> String { String(s.prefix(n)).padded(n) }
        func lpad(_ s: String, _ n: Int) -> String { s.leftPadded(n) }
        func rule(_ left: Int, _ title: String, _ right: Int) -> String {
            "+" + String(repeating: "=", count: left) + title + String(repeating: "=", count: right) + "+\n"
        }
        var t = rule(24, " METype Memory Estimates (MiB) ", 25)
        t += "| " + pad("METype", 34) + " | " + lpad("Mem/cell", 9) + " | " + lpad("N Cells", 8) + " | " + lpad("Mem Total", 10) + " | " + lpad("RSS/cell", 9) + " |\n"
        for m in metypes {
            t += "| " + pad(m.name, 34) + " | " + lpad(cFormat("%.3f", m.kibPerCell / 1024), 9) + " | " + lpad("\(m.cells)", 8) + " | "
                + lpad(cFormat("%.2f", m.kibPerCell * Double(m.cells) / 1024), 10) + " | "
                + lpad(m.rssKiBPerCell.map { cFormat("%.3f", $0 / 1024) } ?? "cached", 9) + " |\n"
        }
        t += "+" + String(repeating: "-", count: 80) + "+\n"
        t += rule(30, " Synapse Count ", 35)
        for k in synapseKinds {
            t += "| " + pad(k.label, 50) + " | " + lpad(cFormat("%.0f", k.synapses), 10) + " | " + lpad(cFormat("%.2f", k.kib / 1024), 10) + " MiB |\n"
        }
        t += rule(24, " Total Memory Estimates ", 32)
        for (item, bytes) in [("Overhead (ranks=\(ranks))", overheadBytes), ("Cells", cellBytes), ("Synapses", synapseBytes),
                              ("Simulation", simulationBytes), ("GRAND TOTAL", totalBytes)] {
            t += "| " + pad(item, 50) + " | " + lpad(cFormat("%.1f", bytes / 1048576), 12) + " MiB |\n"
        }
        t += "+" + String(repeating: "-", count: 80) + "+\n"
        t += "Suggested: at least \(suggestedNodes) node(s) of \(cFormat("%.1f", nodeMemoryBytes / 1073741824)) GiB with \(ranksPerNode) ranks each (30% margin); "
            + "target ranks \(ranks); per rank about \(cFormat("%.1f", modelBytes / Double(ranks) / 1048576)) MiB of model, "
            + "\(cFormat("%.1f", meanRankPeakRSS / 1048576)) MiB peak RSS.\n"
            + "Under CoreNEURON (special-core) instead: model size \(cFormat("%.1f", coreNeuronBytes / 1048576)) MiB, "
            + "\(cFormat("%.1f", coreNeuronBytes / Double(ranks) / 1048576)) MiB per rank.\n"
        return t
    }
}
