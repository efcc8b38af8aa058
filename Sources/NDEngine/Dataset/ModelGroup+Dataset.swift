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
    public func coreGroup(id: Int, catalog: MechanismCatalog, vInitMV: Double, replayGidOffset: Int64) throws -> CoreGroup {
        var e = DatasetEncoder(self, id: id, catalog: catalog, vInitMV: vInitMV)
        for m in MechanismTable.all { try m.encode(self, into: &e) }
        func gid32(_ gid: Int64) throws -> Int32 {
            guard gid >= -1, gid <= Int64(Int32.max) else { throw NDError("gid \(gid) does not fit CoreNEURON's 32-bit gids") }
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
        let expType = e.type(of: NDEngine.ExpSyn.layout.name), exp2Type = e.type(of: NDEngine.Exp2Syn.layout.name)
        let expAt = e.position(of: NDEngine.ExpSyn.layout.name), exp2At = e.position(of: NDEngine.Exp2Syn.layout.name)
        let expCount = Int32(expSyn.node.count)
        var sources: [Int32] = [], types: [Int32] = [], indices: [Int32] = [], weights: [Double] = [], delays: [Double] = []
        func connect(_ k: Int, from source: Int32) {
            let t = netCons.target[k]
            sources.append(source)
            types.append(t < expCount ? expType : exp2Type)
            indices.append(t < expCount ? expAt[Int(t)] : exp2At[Int(t - expCount)])
            weights.append(netCons.weightUS[k])
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
        return e.group
    }

    /// The engine's model of a dataset group. Spike sources without a gid (NetStims most
    /// often) get keys below `localKeyBase`, distinct for every group a process loads.
    public init(dataset g: CoreGroup, catalog: MechanismCatalog, file: String, localKeyBase: Int64) throws {
        self.init(entry: Int64(g.id))
        let d = DatasetDecoder(g, catalog: catalog, file: file)
        let missing = Self.unknownMechanisms(in: [g], catalog: catalog)
        guard missing.isEmpty else {
            throw d.fail("mechanisms nd-core does not simulate: \(missing.joined(separator: ", "))")
        }
        nodes.parent = g.parent.indices.map { $0 < g.realCellCount ? -1 : g.parent[$0] }
        nodes.areaUm2 = g.area
        nodes.cmUFPerCm2 = [Double](repeating: 0, count: g.nodeCount)
        nodes.a = g.a
        nodes.b = g.b
        var codecs: [Int: any Mechanism.Type] = [:]
        for block in g.mechanisms {
            let entry = catalog[type: block.type]!
            let codec = MechanismTable.mechanism(named: entry.name)!
            try codec.layout.check(against: entry, file: file)
            codecs[block.type] = codec
            try codec.decode(block, from: d, into: &self)
        }
        // Spike sources.
        let netStimType = catalog.type(named: NDEngine.NetStim.layout.name) ?? -1
        netStim.gid = (0..<netStim.count).map { localKeyBase - Int64(netStimType + 1000 * $0) }
        for i in g.outputGids.indices {
            let gid = Int64(g.outputGids[i]), node = g.outputNode[i]
            if node >= 0 {
                guard i < g.realOutputCount else { throw d.fail("presyn \(i): a voltage source after the \(g.realOutputCount) real cells") }
                cells.gid.append(gid >= 0 ? gid : localKeyBase + Int64(g.outputGids[i]) - Int64(Int32.max))
                cells.somaNode.append(node)
                cells.thresholdMV.append(g.outputThreshold[i])
                guard g.outputThreshold[i].isFinite else { throw d.fail("presyn \(i): threshold \(g.outputThreshold[i])") }
            } else if node < -1 {
                let code = -Int(node), type = code % 1000, instance = code / 1000
                guard type == netStimType else {
                    throw d.fail("presyn \(i): a spike source of mechanism type \(type) (\(catalog[type: type]?.name ?? "?")); nd-core's artificial cells are NetStims")
                }
                if gid >= 0 { netStim.gid[instance] = gid }
            }
        }
        // Connections: weights are laid out by the targets' NET_RECEIVE sizes.
        let expType = catalog.type(named: NDEngine.ExpSyn.layout.name) ?? -1, exp2Type = catalog.type(named: NDEngine.Exp2Syn.layout.name) ?? -1
        let expCount = Int32(expSyn.node.count)
        var w = 0
        for k in g.netconSourceGids.indices {
            let type = Int(g.netconTargetType[k]), index = g.netconTargetIndex[k]
            let width = type == 0 ? 1 : (codecs[type]?.layout.receiveSize ?? 0)
            defer { w += width }
            guard w + width <= g.weights.count else { throw d.fail("netcon \(k): its weights run past the \(g.weights.count) written") }
            if type == 0 { continue }  // no target: nothing to deliver
            guard type == expType || type == exp2Type else {
                throw d.fail("netcon \(k): into \(catalog[type: type]!.name); nd-core delivers events to ExpSyn and Exp2Syn only")
            }
            let delay = g.delays[k]
            guard delay > 0 else { throw d.fail("netcon \(k): delay \(delay) ms; nd-core needs delays > 0") }
            let source = Int64(g.netconSourceGids[k])
            netCons.sourceGid.append(source >= 0 ? source : localKeyBase + source)
            netCons.target.append(type == expType ? index : expCount + index)
            netCons.weightUS.append(g.weights[w])
            netCons.delayMs.append(delay)
        }
        guard w == g.weights.count else { throw d.fail("\(g.weights.count) weights for netcons that take \(w)") }
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
