import NDModel

/// Writes a `ModelGroup` as a dataset group: nodes roots first (NEURON's order), each
/// mechanism's instances by node, pointer slots numbered mechanism by mechanism.
public struct DatasetEncoder {
    public let catalog: MechanismCatalog
    public private(set) var group: CoreGroup
    /// The group's node of each model node.
    public let node: [Int32]
    /// Per mechanism name: the model's instance index of each written instance.
    public private(set) var written: [String: [Int]] = [:]
    public let vInitMV: Double
    /// The time step and the dataset's globals, which the values NEURON holds after
    /// finitialize depend on (a synapse's decay per step, say).
    public let dtMs: Double
    public let globals: [String: Double]

    public init(_ model: ModelGroup, id: Int, catalog: MechanismCatalog, vInitMV: Double, dtMs: Double = 0.025,
                globals: [String: Double] = [:]) {
        self.catalog = catalog
        self.vInitMV = vInitMV
        self.dtMs = dtMs
        self.globals = globals
        let n = model.nodes.count
        let roots = (0..<n).filter { model.nodes.parent[$0] < 0 }
        let order = roots + (0..<n).filter { model.nodes.parent[$0] >= 0 }
        var node = [Int32](repeating: 0, count: n)
        for (k, i) in order.enumerated() { node[i] = Int32(k) }
        self.node = node
        var g = CoreGroup(id: id)
        g.realCellCount = roots.count
        g.parent = order.map { model.nodes.parent[$0] < 0 ? 0 : node[Int(model.nodes.parent[$0])] }
        g.a = order.map { model.nodes.a[$0] }
        g.b = order.map { model.nodes.b[$0] }
        g.area = order.map { model.nodes.areaUm2[$0] }
        g.v = [Double](repeating: vInitMV, count: n)
        group = g
    }

    /// Appends `count` instances of `layout` at model nodes `nodes` (nil: artificial
    /// cells), ordered by their group node; `row(k, slots)` gives instance k's
    /// variables, pointer slots are numbered here, the rest of pdata comes from
    /// `pdata(k)` in layout order (nil for slots numbered here).
    public mutating func add(_ layout: MechanismLayout, count: Int, nodes: [Int32]?, row: (Int) -> [Double],
                             pdata: (Int, MechanismLayout.Pdata) throws -> Int32 = { _, _ in -1 },
                             random: [UInt32] = []) throws {
        guard count > 0 else { return }
        guard let entry = catalog.entry(named: layout.name) else {
            throw NDError(.notFound, "the mechanism catalog has no '\(layout.name)'")
        }
        try layout.check(against: entry, file: "bbcore_mech.dat")
        var order = Array(0..<count)
        if let nodes { order.sort { (node[Int(nodes[$0])], $0) < (node[Int(nodes[$1])], $1) } }
        var data: [Double] = [], pd: [Int32] = []
        data.reserveCapacity(count * layout.variables.count)
        for k in order {
            let r = row(k)
            precondition(r.count == layout.variables.count, "\(layout.name): row of \(r.count) values")
            data += r
            for slot in layout.pdata {
                switch slot {
                case .pointProcess, .netSend, .random, .corePointer:
                    pd.append(Int32(group.vdataCount)); group.vdataCount += 1
                case .area:
                    pd.append(nodes.map { node[Int($0[k])] } ?? -1)
                default:
                    pd.append(try pdata(k, slot))
                }
            }
        }
        group.mechanisms.append(CoreGroup.Mechanism(type: entry.type, count: count, nodeIndices: nodes.map { n in order.map { node[Int(n[$0])] } },
                                                    data: data, pdata: pd, random: random))
        written[layout.name] = order
    }

    /// The BBCOREPOINTER block of `layout`'s written instances: `ints` and `doubles`
    /// given in model order, written in the instances' order.
    public mutating func corePointers(_ layout: MechanismLayout, ints: [Int32], doubles: [Double]) {
        guard let order = written[layout.name], !order.isEmpty, let type = catalog.type(named: layout.name) else { return }
        let width = ints.count / order.count
        precondition(width * order.count == ints.count && doubles.isEmpty, "\(layout.name): BBCOREPOINTER data of \(ints.count) integers")
        group.corePointers.append(CoreGroup.CorePointer(type: type, ints: order.flatMap { ints[($0 * width)..<($0 * width + width)] },
                                                        doubles: doubles))
    }

    /// Plays `values` at `timesMs` into variable `variable` of the written instance
    /// `instance` of `layout` (NEURON's VecPlayContinuous).
    public mutating func play(_ layout: MechanismLayout, instance: Int32, variable: Int, timesMs: [Double], values: [Double]) {
        group.vecPlays.append(CoreGroup.VecPlay(playType: CoreGroup.VecPlay.continuousType, mechanismType: Int(type(of: layout.name)),
                                                index: Int(instance) * layout.variables.count + variable,
                                                values: values, times: timesMs))
    }

    /// The written position of each model instance of mechanism `name`.
    public func position(of name: String) -> [Int32] {
        let order = written[name] ?? []
        var p = [Int32](repeating: -1, count: order.count)
        for (k, i) in order.enumerated() { p[i] = Int32(k) }
        return p
    }

    public func type(of name: String) -> Int32 { Int32(catalog.type(named: name) ?? 0) }

    public mutating func setNetwork(outputGids: [Int32], outputNode: [Int32], threshold: [Double], realOutputs: Int,
                                    sources: [Int32], targetType: [Int32], targetIndex: [Int32], weights: [Double], delays: [Double]) {
        group.outputGids = outputGids
        group.outputNode = outputNode
        group.outputThreshold = threshold
        group.outputCount = outputGids.filter { $0 >= 0 }.count
        group.realOutputCount = realOutputs
        group.netconSourceGids = sources
        group.netconTargetType = targetType
        group.netconTargetIndex = targetIndex
        group.weights = weights
        group.delays = delays
    }
}

/// Reads a dataset group back into a `ModelGroup`, mechanism by mechanism.
public struct DatasetDecoder {
    public let catalog: MechanismCatalog
    public let group: CoreGroup
    public let file: String
    /// Instances of each mechanism type in the group.
    let blocks: [Int: CoreGroup.Mechanism]

    public init(_ group: CoreGroup, catalog: MechanismCatalog, file: String) {
        self.catalog = catalog; self.group = group; self.file = file
        blocks = Dictionary(group.mechanisms.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func fail(_ kind: NDError.Kind, _ message: String) -> NDError { NDError(kind, file: file, message) }

    /// The value a pdata slot of `layout` links to: an ion variable of the ion instance
    /// it names, checked.
    public func ionValue(_ block: CoreGroup.Mechanism, layout: MechanismLayout, instance k: Int, slot: Int) throws -> Double {
        guard case .ion(let ion, let variable) = layout.pdata[slot],
              let type = catalog.type(named: ion + "_ion"), let ions = blocks[type], let entry = catalog[type: type]
        else { throw fail(.inconsistent, "\(layout.name) instance \(k): reads ion data the group does not hold") }
        let index = Int(block.pdata[k * layout.pdata.count + slot])
        guard index >= 0, index < ions.count * entry.dataSize, index % entry.dataSize == variable else {
            throw fail(.inconsistent, "\(layout.name) instance \(k): pdata slot \(slot) = \(index), expected variable \(variable) of one of the \(ions.count) \(ion) instances")
        }
        return ions.data[index]
    }

    /// Checks that every area slot names the instance's own node.
    public func checkArea(_ block: CoreGroup.Mechanism, layout: MechanismLayout) throws {
        guard let slot = layout.pdata.firstIndex(of: .area), let nodes = block.nodeIndices else { return }
        for k in 0..<block.count where block.pdata[k * layout.pdata.count + slot] != nodes[k] {
            throw fail(.inconsistent, "\(layout.name) instance \(k): area slot \(block.pdata[k * layout.pdata.count + slot]), expected its node \(nodes[k])")
        }
    }
}
