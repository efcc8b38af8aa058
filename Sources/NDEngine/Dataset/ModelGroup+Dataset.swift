import NDModel

extension ModelGroup {
    /// This group as a dataset group `id`, through the mechanism table; `catalog` gives
    /// the type numbers (NEURON's built-ins for what nd-instantiate writes).
    ///
    /// Replayed spikes are not part of a group: CoreNEURON reads them from a pattern file
    /// and fires them from their gid only where that gid is not simulated (PatternStim).
    /// So that a replayed spike reaches every connection from its source, simulated or
    /// not, on any number of ranks, each such connection gets a twin from a stand-in gid,
    /// `replayGidOffset` + the source's gid, which the pattern file names instead.
    public func coreGroup(id: Int, catalog: MechanismCatalog, vInitMV: Double, replayGidOffset: Int64, dtMs: Double = 0.025,
                          globals: [String: Double] = [:]) throws -> CoreGroup {
        var seconds = PhaseSeconds()
        return try coreGroup(id: id, catalog: catalog, vInitMV: vInitMV, replayGidOffset: replayGidOffset, dtMs: dtMs,
                             globals: globals, seconds: &seconds)
    }

    /// `coreGroup`, adding its time to `seconds`: the nodes, density mechanisms, stimuli
    /// and spike sources to `writeCells`; the synapse mechanisms and the connections to
    /// `writeSynapses`.
    public func coreGroup(id: Int, catalog: MechanismCatalog, vInitMV: Double, replayGidOffset: Int64, dtMs: Double = 0.025,
                          globals: [String: Double] = [:], seconds: inout PhaseSeconds) throws -> CoreGroup {
        var watch = PhaseStopwatch()
        var e = DatasetEncoder(self, id: id, catalog: catalog, vInitMV: vInitMV, dtMs: dtMs, globals: globals)
        for m in MechanismTable.all {
            try m.encode(self, into: &e)
            watch.lap(m is any SynapseMechanism.Type ? \.writeSynapses : \.writeCells, of: &seconds)
        }
        func gid32(_ gid: Int64) throws -> Int32 {
            guard gid >= -1, gid <= Int64(Int32.max) else { throw NDError(.outOfRange, "gid \(gid) does not fit CoreNEURON's 32-bit gids") }
            return Int32(gid)
        }
        // Presyns: cells, then NetStims (those without a gid by their -(instance × 1000 + type) code).
        let netStimType = e.type(of: NDEngine.NetStim.layout.name), netStimAt = e.position(of: NDEngine.NetStim.layout.name)
        var outputGids = try cells.gid.map(gid32), outputNode = cells.somaNode.map { e.node[Int($0)] }
        var localCode: [Int64: Int32] = [:]
        for k in 0..<netStim.count {
            let code = -(netStimAt[k] * 1000 + netStimType)
            if netStim.gid[k] < 0 { localCode[netStim.gid[k]] = code }
            outputGids.append(netStim.gid[k] >= 0 ? try gid32(netStim.gid[k]) : code)
            outputNode.append(code)
        }
        watch.lap(\.writeCells, of: &seconds)
        let numbering = SynapseNumbering(self)
        let synapseType = MechanismTable.synapses.map { e.type(of: $0.layout.name) }
        let synapseAt = MechanismTable.synapses.map { e.position(of: $0.layout.name) }
        var sources: [Int32] = [], types: [Int32] = [], indices: [Int32] = [], weights: [Double] = [], delays: [Double] = []
        func connect(_ k: Int, from source: Int32) {
            let (m, instance) = numbering.locate(netCons.target[k])
            sources.append(source)
            types.append(synapseType[m])
            indices.append(synapseAt[m][Int(instance)])
            // NET_RECEIVE's other arguments start at 0 (a presynaptic connection's nc_type).
            weights += [netCons.weightUS[k]] + [Double](repeating: 0, count: MechanismTable.synapses[m].layout.receiveSize - 1)
            delays.append(netCons.delayMs[k])
        }
        for k in 0..<netCons.count {
            let s = netCons.sourceGid[k]
            connect(k, from: s < 0 ? localCode[s] ?? -1 : try gid32(s))
        }
        let replayed = Set(replay.gid)
        for k in 0..<netCons.count where replayed.contains(netCons.sourceGid[k]) {
            connect(k, from: try gid32(replayGidOffset + netCons.sourceGid[k]))
        }
        e.setNetwork(outputGids: outputGids, outputNode: outputNode, threshold: cells.thresholdMV, realOutputs: cells.count,
                     sources: sources, targetType: types, targetIndex: indices, weights: weights, delays: delays)
        watch.lap(\.writeSynapses, of: &seconds)
        return e.group
    }

    /// The engine's model of a dataset group. Spike sources without a gid (NetStims most
    /// often) get keys below `localKeyBase`, distinct for every group a process loads.
    public init(dataset g: CoreGroup, catalog: MechanismCatalog, file: String, localKeyBase: Int64) throws {
        var loader = DatasetLoader(catalog: catalog, file: file, localKeyBase: localKeyBase)
        for var block in g.mechanisms { try loader.mechanism(&block, in: g) }
        self = try loader.finish(g)
    }

    /// Names (or type numbers) of the mechanisms in `groups` that the table lacks.
    public static func unknownMechanisms(in groups: [CoreGroup], catalog: MechanismCatalog) -> [String] {
        var names = Set<String>()
        for g in groups {
            for m in g.mechanisms {
                let name = catalog[type: m.type]?.name ?? "type \(m.type)"
                if MechanismTable.mechanism(named: name) == nil { names.insert(name) }
            }
        }
        return names.sorted()
    }
}
