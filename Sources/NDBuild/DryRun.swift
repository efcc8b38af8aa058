import NDEngine
import NDFormats
import NDModel
import NDSonata

/// nd-estimate's measurement of a simulation, before anything is booked: every cell's
/// metype, memory and afferent synapses; per metype the memory measured in the engine
/// (or kept from an earlier cell_memory_usage.json); per edge population and synapse kind
/// the synapses and their bytes.
public struct DryRun {
    public let cells: [CellRef]
    /// Per cell, its metype.
    public let metypes: [String]
    /// The metypes, sorted, with the indices of their cells (in cell order).
    public let metypeNames: [String]
    public let cellsOfMetype: [String: [Int]]
    /// The usage file updated with this run's measurements, synapse means and node ids.
    public private(set) var usage: CellMemoryUsage
    /// Peak RSS per cell of the metypes measured in this run [KiB].
    public private(set) var rssKiBPerCell: [String: Double] = [:]
    /// CoreNEURON's bytes per cell by metype [KiB].
    public private(set) var coreNeuronKiBPerCell: [String: Double]
    /// Per cell: afferent synapses and their memory [KiB].
    public private(set) var synapses: [Double]
    public private(set) var synapseKiB: [Double]
    /// Per edge population and synapse kind ("name (kind)"): synapses and their memory [KiB].
    public private(set) var synapsesByKind: [String: Double] = [:]
    public private(set) var synapseKiBByKind: [String: Double] = [:]
    /// All synapses as CoreNEURON holds them and as its dataset files hold them [bytes].
    public private(set) var coreNeuronSynapseBytes = 0.0
    public private(set) var datasetSynapseBytes = 0.0

    /// Measures the simulation of `builder`: metypes missing from `usage` (or from
    /// `coreNeuronKiB`, an earlier run's memory_per_metype.json) are built in the engine;
    /// synapses are counted from the edge indices, or sampled as neurodamus does.
    /// `progress` is told the number of metypes and returns what to call after each.
    public init(builder: ModelBuilder, usage: CellMemoryUsage, coreNeuronKiB: [String: Double], sample: Bool,
                progress: (Int) -> () -> Void) throws {
        let estimator = MemoryEstimator(builder: builder)
        cells = try builder.simulatedCells()
        metypes = try estimator.metypes(of: cells)
        self.usage = usage
        coreNeuronKiBPerCell = coreNeuronKiB
        cellsOfMetype = Dictionary(grouping: cells.indices, by: { [metypes] in metypes[$0] })
        metypeNames = cellsOfMetype.keys.sorted()
        let advance = progress(metypeNames.count)
        for m in metypeNames {
            defer { advance() }
            if self.usage.metypeMemoryKiB[m] != nil && coreNeuronKiBPerCell[m] != nil { continue }
            let measured = try estimator.measure(cellsOfMetype[m]!.map { [cells] in cells[$0] })
            if self.usage.metypeMemoryKiB[m] == nil {
                self.usage.metypeMemoryKiB[m] = measured.kibPerCell
                rssKiBPerCell[m] = measured.rssKiBPerCell
            }
            coreNeuronKiBPerCell[m] = measured.coreNeuronKiBPerCell
        }
        synapses = [Double](repeating: 0, count: cells.count)
        synapseKiB = synapses
        try countSynapses(estimator, sample: sample)
        updateUsage()
    }

    private mutating func countSynapses(_ estimator: MemoryEstimator, sample: Bool) throws {
        let byPopulation = Dictionary(grouping: cells.indices, by: { [cells] in cells[$0].population })
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
                    let n = count(cells[i].node.rawValue)
                    synapses[i] += n
                    synapseKiB[i] += n * bytes / 1024
                    total += n
                }
                coreNeuronSynapseBytes += total * coreBytes
                datasetSynapseBytes += total * fileBytes
                let label = edges.name + " (" + kind + ")"
                synapsesByKind[label, default: 0] += total
                synapseKiBByKind[label, default: 0] += total * bytes / 1024
            }
        }
    }

    /// neurodamus's synapse means and node ids per population and metype.
    private mutating func updateUsage() {
        usage.populationMetypeNodeIDs = [:]
        for m in metypeNames {
            let positions = cellsOfMetype[m]!
            usage.metypeSynapseAverage[m] = positions.reduce(0) { $0 + synapses[$1] } / Double(positions.count)
        }
        for (cell, metype) in zip(cells, metypes) {
            usage.populationMetypeNodeIDs[cell.population, default: [:]][metype, default: []].append(cell.node.rawValue)
        }
    }

    /// Cell `i`'s estimate (nd-allocate's input).
    public func estimate(_ i: Int) -> CellEstimate {
        CellEstimate(population: cells[i].population, node: cells[i].node, metype: metypes[i],
                     cellKiB: usage.metypeMemoryKiB[metypes[i]]!, synapses: synapses[i], synapseKiB: synapseKiB[i])
    }

    /// memory_per_metype.json: per metype its memory per cell, cells, mean synapses,
    /// total and CoreNEURON's memory per cell.
    public func memoryPerMetype(_ estimates: [CellEstimate]) -> JSONObject {
        var perMetype = JSONObject()
        for m in metypeNames {
            let positions = cellsOfMetype[m]!
            perMetype[m] = .object([
                "kib_per_cell": .double(usage.metypeMemoryKiB[m]!), "cells": .int(Int64(positions.count)),
                "mean_synapses": .double(usage.metypeSynapseAverage[m]!), "total_kib": .double(positions.reduce(0) { $0 + estimates[$1].totalKiB }),
                "coreneuron_kib_per_cell": .double(coreNeuronKiBPerCell[m]!),
            ])
        }
        return perMetype
    }

    /// What CoreNEURON (special-core) would hold: its cells and synapses, and per rank
    /// and cycle a thread of its own [bytes].
    public func coreNeuronModelBytes(ranks: Int, cycles: Int) -> Double {
        cells.indices.reduce(0.0) { $0 + coreNeuronKiBPerCell[metypes[$1]]! * 1024 } + coreNeuronSynapseBytes
            + Double(ranks * cycles * CoreNeuronAccount.threadBytes)
    }

    /// `coreneuron_kib_per_cell` by metype from an earlier memory_per_metype.json, if any.
    public static func previousCoreNeuronKiB(_ path: String) throws -> [String: Double] {
        guard fileExists(path) else { return [:] }
        let value = try FileBytes.read(path).withUnsafeBufferPointer { try JSONCodec.decode($0, file: path) }
        var result: [String: Double] = [:]
        for (metype, entry) in value.objectValue?.members ?? [] {
            if let kib = entry.objectValue?["coreneuron_kib_per_cell"]?.doubleValue, kib.isFinite, kib > 0 { result[metype] = kib }
        }
        return result
    }
}
