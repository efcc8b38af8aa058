import NDFormats

/// One rank's line of memory.jsonl, gathered to rank 0.
public struct RankRecord: BitwiseCopyable, Equatable, Sendable {
    public var rank: Int, entries: Int, cells: Int, compartments: Int, synapses: Int
    public var modelBytes: Int, coreNeuronBytes: Int, peakRSSBytes: Int
    public var loadSeconds: Double, runSeconds: Double

    public init(rank: Int, entries: Int, cells: Int, compartments: Int, synapses: Int, modelBytes: Int,
                coreNeuronBytes: Int, peakRSSBytes: Int, loadSeconds: Double, runSeconds: Double) {
        self.rank = rank; self.entries = entries; self.cells = cells; self.compartments = compartments
        self.synapses = synapses; self.modelBytes = modelBytes; self.coreNeuronBytes = coreNeuronBytes
        self.peakRSSBytes = peakRSSBytes; self.loadSeconds = loadSeconds; self.runSeconds = runSeconds
    }

    /// The memory.jsonl object; the machine is rank / ranksPerMachine, seconds to the millisecond.
    public func record(ranksPerMachine: Int) -> JSONObject {
        [
            "rank": .int(Int64(rank)), "machine": .int(Int64(rank / ranksPerMachine)),
            "entries": .int(Int64(entries)), "cells": .int(Int64(cells)), "compartments": .int(Int64(compartments)),
            "synapses": .int(Int64(synapses)), "model_bytes": .int(Int64(modelBytes)),
            "coreneuron_model_bytes": .int(Int64(coreNeuronBytes)), "peak_rss_bytes": .int(Int64(peakRSSBytes)),
            "load_seconds": .double((loadSeconds * 1000).rounded() / 1000), "run_seconds": .double((runSeconds * 1000).rounded() / 1000),
        ]
    }
}
