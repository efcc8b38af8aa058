import NDModel

/// Turns a dataset group into the engine's model as its phase 2 file is read: each
/// mechanism block is decoded through the table when it arrives and its variables let go
/// (ions', which hh reads through its pdata, are kept), so that a rank never holds every
/// block's NEURON variables at once; `finish` adds the spike sources and connections.
public struct DatasetLoader {
    public let catalog: MechanismCatalog
    public let file: String
    public let localKeyBase: Int64
    /// Mechanisms of the group the table lacks (by name), in the order met.
    public private(set) var missing: [String] = []
    var model: ModelGroup? = nil
    var codecs: [Int: any Mechanism.Type] = [:]

    public init(catalog: MechanismCatalog, file: String, localKeyBase: Int64) {
        self.catalog = catalog; self.file = file; self.localKeyBase = localKeyBase
    }

    /// Decodes `block` of group `g` (read up to it), then empties its variables unless an
    /// ion's.
    public mutating func mechanism(_ block: inout CoreGroup.Mechanism, in g: CoreGroup) throws {
        guard let entry = catalog[type: block.type] else { missing.append("type \(block.type)"); return }
        guard let codec = MechanismTable.mechanism(named: entry.name) else {
            if !missing.contains(entry.name) { missing.append(entry.name) }
            return
        }
        guard missing.isEmpty else { return }  // nothing will be simulated: only names are gathered
        try codec.layout.check(against: entry, file: file)
        codecs[block.type] = codec
        if model == nil { model = Self.nodes(of: g) }
        try codec.decode(block, from: DatasetDecoder(g, catalog: catalog, file: file), into: &model!)
        if codec.layout.kind != .ion { block.data = [] }
    }

    /// The model, with the group's spike sources and connections.
    public mutating func finish(_ g: CoreGroup) throws -> ModelGroup {
        let d = DatasetDecoder(g, catalog: catalog, file: file)
        guard missing.isEmpty else { throw d.fail(.unsupported, "mechanisms nd-core does not simulate: \(missing.joined(separator: ", "))") }
        var m = model ?? Self.nodes(of: g)
        // Played vectors: into clamps' amplitudes only.
        let clampType = catalog.type(named: IClamp.layout.name) ?? -1
        if let other = g.vecPlays.first(where: { $0.mechanismType != clampType }) {
            throw d.fail(.unsupported, "VecPlay into \(catalog[type: other.mechanismType]?.name ?? "type \(other.mechanismType)"); nd-core plays IClamp.amp only")
        }
        try IClamp.decodePlays(g.vecPlays, from: d, into: &m)
        // Spike sources.
        let netStimType = catalog.type(named: NetStim.layout.name) ?? -1
        m.netStim.gid = (0..<m.netStim.count).map { localKeyBase - Int64(netStimType + 1000 * $0) }
        let vecStimType = catalog.type(named: VecStim.layout.name) ?? -1
        m.vecStim.gid = (0..<m.vecStim.count).map { localKeyBase - Int64(vecStimType + 1000 * $0) }
        for i in g.outputGids.indices {
            let gid = Int64(g.outputGids[i]), node = g.outputNode[i]
            if node >= 0 {
                guard i < g.realOutputCount else { throw d.fail(.inconsistent, "presyn \(i): a voltage source after the \(g.realOutputCount) real cells") }
                guard g.outputThreshold[i].isFinite else { throw d.fail(.outOfRange, "presyn \(i): threshold \(g.outputThreshold[i])") }
                m.cells.gid.append(gid >= 0 ? gid : localKeyBase + Int64(g.outputGids[i]) - Int64(Int32.max))
                m.cells.somaNode.append(node)
                m.cells.thresholdMV.append(g.outputThreshold[i])
            } else if node < -1 {
                let code = -Int(node), type = code % 1000, instance = code / 1000
                if catalog[type: type]?.name == CoreNeuronArtificialCell.layout.name { continue }  // never fires
                if type == vecStimType {
                    guard instance < m.vecStim.count else { throw d.fail(.outOfRange, "presyn \(i): VecStim \(instance) of \(m.vecStim.count)") }
                    if gid >= 0 { m.vecStim.gid[instance] = gid }
                    continue
                }
                guard type == netStimType else {
                    throw d.fail(.unsupported, "presyn \(i): a spike source of mechanism type \(type) (\(catalog[type: type]?.name ?? "?")); nd-core's artificial cells are NetStims and VecStims")
                }
                guard instance < m.netStim.count else { throw d.fail(.outOfRange, "presyn \(i): NetStim \(instance) of \(m.netStim.count)") }
                if gid >= 0 { m.netStim.gid[instance] = gid }
            }
        }
        // BBCOREPOINTER data (random streams, played vectors): after the connections in the file.
        for p in g.corePointers {
            guard let reader = codecs[p.type] as? any CorePointerMechanism.Type else {
                throw d.fail(.unsupported, "BBCOREPOINTER data for \(catalog[type: p.type]?.name ?? "type \(p.type)"), which nd-core does not read")
            }
            try reader.readPointers(p, into: &m, decoder: d)
        }
        // Connections: weights are laid out by the targets' NET_RECEIVE sizes; the first
        // is the weight (the others are NET_RECEIVE's own, rewritten at every event).
        let numbering = SynapseNumbering(m)
        let receivers = Dictionary(MechanismTable.synapses.enumerated().compactMap { (position, s) in
            catalog.type(named: s.layout.name).map { ($0, position) }
        }, uniquingKeysWith: { a, _ in a })
        var w = 0
        for k in g.netconSourceGids.indices {
            let type = Int(g.netconTargetType[k]), index = g.netconTargetIndex[k]
            let width = type == 0 ? 1 : (codecs[type]?.layout.receiveSize ?? 0)
            defer { w += width }
            guard w + width <= g.weights.count else { throw d.fail(.inconsistent, "netcon \(k): its weights run past the \(g.weights.count) written") }
            if type == 0 || codecs[type] == CoreNeuronArtificialCell.self { continue }  // nothing to deliver
            guard let receiver = receivers[type] else {
                throw d.fail(.unsupported, "netcon \(k): into \(catalog[type: type]!.name); nd-core delivers events to \(MechanismTable.synapses.map { $0.layout.name }.joined(separator: ", ")) only")
            }
            let available = numbering.starts[receiver + 1] - numbering.starts[receiver]
            guard index >= 0, index < available else {
                throw d.fail(.outOfRange, "netcon \(k): into \(catalog[type: type]!.name) instance \(index) of \(available)")
            }
            let delay = g.delays[k]
            guard delay > 0 else { throw d.fail(.unsupported, "netcon \(k): delay \(delay) ms; nd-core needs delays > 0") }
            let source = Int64(g.netconSourceGids[k])
            m.netCons.sourceGid.append(source >= 0 ? source : localKeyBase + source)
            m.netCons.target.append(numbering.index(mechanism: receiver, instance: index))
            m.netCons.weightUS.append(g.weights[w])
            m.netCons.delayMs.append(delay)
        }
        guard w == g.weights.count else { throw d.fail(.inconsistent, "\(g.weights.count) weights for netcons that take \(w)") }
        return m
    }

    /// A model of `g`'s nodes alone (roots get parent -1; capacitance comes with its block).
    static func nodes(of g: CoreGroup) -> ModelGroup {
        var m = ModelGroup(entry: Int64(g.id))
        m.nodes.parent = g.parent.indices.map { $0 < g.realCellCount ? -1 : g.parent[$0] }
        m.nodes.areaUm2 = g.area
        m.nodes.cmUFPerCm2 = [Double](repeating: 0, count: g.nodeCount)
        m.nodes.a = g.a
        m.nodes.b = g.b
        return m
    }
}
