#if canImport(Glibc)
import Glibc
#endif
import NDEngine
import NDModel
import NDSonata

/// nd-estimate's measurements: memory per metype from cells built in the engine's own
/// account, afferent synapses per cell from the edge indices (or sampled), and bytes per
/// synapse from the synapse types of each edge population.
public final class MemoryEstimator {
    public let builder: ModelBuilder
    /// Cells built per metype to measure it.
    public var sampleSize = 50

    /// A metype's measurement.
    public struct MetypeMemory: Equatable, Sendable {
        public var kibPerCell: Double
        /// What CoreNEURON holds per cell of the metype (`CoreNeuronAccount`) [KiB].
        public var coreNeuronKiBPerCell: Double
        public var cellsMeasured: Int
        /// The RSS growth per cell while building them [KiB] (a cross-check; noisy).
        public var rssKiBPerCell: Double
    }

    public init(builder: ModelBuilder) { self.builder = builder }

    /// The metype (`MTYPE-ETYPE`) of every node of `population`, read once.
    public func metypes(ofPopulation population: String) throws -> [String] {
        if let known = metypeColumns[population] { return known }
        let column = try CircuitDescription.metypes(of: try builder.circuit.nodes(population))
        metypeColumns[population] = column
        return column
    }
    private var metypeColumns: [String: [String]] = [:]

    /// The metype of every simulated cell.
    public func metypes(of cells: [CellRef]) throws -> [String] {
        try cells.map { try metypes(ofPopulation: $0.population)[$0.node.rawValue] }
    }

    /// Builds up to `sampleSize` cells of a metype (the first ones in node order) without
    /// synapses and averages the engine's account of them.
    public func measure(_ cells: [CellRef]) throws -> MetypeMemory {
        let sample = Array(cells.prefix(sampleSize))
        let before = residentBytes()
        let group = try builder.build(entry: 0, cells: sample, synapses: false, stimuli: false)
        let after = residentBytes()
        let perCell = MemoryAccount.perCell(group)
        let core = CoreNeuronAccount.perCell(group, catalog: catalog)
        let n = Double(max(sample.count, 1))
        return MetypeMemory(kibPerCell: Double(perCell.reduce(0, +)) / n / 1024,
                            coreNeuronKiBPerCell: Double(core.reduce(0, +)) / n / 1024, cellsMeasured: sample.count,
                            rssKiBPerCell: Double(max(0, after - before)) / n / 1024)
    }

    /// The mechanism list the dataset is written with (for CoreNEURON's sizes).
    let catalog = NeuronBuiltins.catalog()

    /// Synapse bytes of one edge population, in the engine and in CoreNEURON, and the
    /// synapse kinds it makes, each edge classified as the model builder does
    /// (`SynapseKind`): with stochastic-release columns a ProbAMPANMDA_EMS or a
    /// ProbGABAAB_EMS, else an ExpSyn or an Exp2Syn; each with the connection into it.
    public func bytesPerSynapse(_ edges: EdgePopulation) throws -> (engine: Double, coreNeuron: Double, dataset: Double, kind: String) {
        let (first, second): (SynapseKind, SynapseKind)
        let f: Double
        if EdgeBlocks.hasRelease(edges) {
            (first, second) = (.probGABAAB, .probAMPANMDA)
            f = try excitatoryFraction(edges)
        } else {
            (first, second) = (.expSyn, .exp2Syn)
            f = try exp2SynFraction(edges)
        }
        let engine = (1 - f) * Double(first.engineBytes) + f * Double(second.engineBytes)
        let core = (1 - f) * Double(first.coreNeuronBytes) + f * Double(second.coreNeuronBytes)
        let dataset = (1 - f) * Double(first.datasetBytes) + f * Double(second.datasetBytes)
        let kind = f == 0 ? first.name : f == 1 ? second.name : first.name + "+" + second.name
        return (engine, core, dataset, kind)
    }

    /// The share of a release population's synapses that are ProbAMPANMDA_EMS (all when
    /// `syn_type_id` is absent: its default, 100, is excitatory).
    func excitatoryFraction(_ edges: EdgePopulation) throws -> Double {
        guard edges.hasAttribute("syn_type_id"), edges.size > 0 else { return 1 }
        var excitatory = 0, start = 0
        while start < edges.size {
            let rows = start..<min(start + EdgePopulation.chunkRows, edges.size)
            excitatory += try edges.integers("syn_type_id", rows: rows).filter { SynapseKind.release(synTypeID: $0) == .probAMPANMDA }.count
            start = rows.upperBound
        }
        return Double(excitatory) / Double(edges.size)
    }

    /// The share of an edge population's synapses that are Exp2Syns (none without
    /// rise_time; decay_time 2 ms when absent, as `EdgeBlocks` reads it).
    func exp2SynFraction(_ edges: EdgePopulation) throws -> Double {
        guard edges.hasAttribute("rise_time"), edges.size > 0 else { return 0 }
        var rising = 0, start = 0
        while start < edges.size {
            let rows = start..<min(start + EdgePopulation.chunkRows, edges.size)
            let rise = try edges.doubles("rise_time", rows: rows)
            let decay = edges.hasAttribute("decay_time") ? try edges.doubles("decay_time", rows: rows) : [Double](repeating: 2, count: rows.count)
            for k in rise.indices where SynapseKind.simple(riseMs: rise[k], decayMs: SynapseKind.decayMs(decayTime: decay[k])) == .exp2Syn {
                rising += 1
            }
            start = rows.upperBound
        }
        return Double(rising) / Double(edges.size)
    }

    /// Per population and cell, the afferent synapses of every edge population targeting it.
    public func exactSynapseCounts(population: String) throws -> [(edges: EdgePopulation, counts: [Int])] {
        let pop = try builder.circuit.nodes(population)
        return try builder.circuit.afferentSynapses(of: population).map { ($0, try $0.afferentCounts(targetCount: pop.size)) }
    }

    /// neurodamus's sampling: node ids in blocks growing by 10% (from 100), up to 100
    /// cells per block counted exactly, means per metype. Returns per edge population the
    /// mean count per metype.
    public func sampledSynapseMeans(population: String, metypeOfNode: [String]) throws -> [(edges: EdgePopulation, meanByMetype: [String: Double])] {
        var sample: [Int] = []
        var start = 0, block = 100.0
        while start < metypeOfNode.count {
            let size = Int(block.rounded(.up))
            let end = min(start + size, metypeOfNode.count)
            let take = min(100, end - start)
            for k in 0..<take { sample.append(start + k * (end - start) / take) }
            start = end
            block *= 1.1
        }
        return try builder.circuit.afferentSynapses(of: population).map { edges in
            var sum: [String: Double] = [:], count: [String: Double] = [:]
            let exact = edges.hasTargetIndex ? nil : try edges.afferentCounts(targetCount: metypeOfNode.count)
            for node in sample {
                let n = try exact.map { $0[node] } ?? edges.afferentEdgeRanges(of: node).reduce(0) { $0 + $1.count }
                sum[metypeOfNode[node], default: 0] += Double(n)
                count[metypeOfNode[node], default: 0] += 1
            }
            return (edges, Dictionary(uniqueKeysWithValues: sum.map { ($0.key, $0.value / count[$0.key]!) }))
        }
    }
}

/// Resident set size of this process [bytes] (/proc/self/statm).
func residentBytes() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var size = 0, resident = 0
    _ = withUnsafeMutablePointer(to: &size) { s in withUnsafeMutablePointer(to: &resident) { r in
        withVaList([s, r]) { vfscanf(f, "%ld %ld", $0) }
    } }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}
