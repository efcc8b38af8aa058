import NDModel

/// The bytes a CoreNEURON rank holds for a model, item by item as its `model_size()`
/// counts them (nrn_setup.cpp, NEURON 9.0.2): the thread's data block (six doubles per
/// node, then each mechanism's variables padded to 8 instances, blocks aligned to 64
/// bytes), the parent index, each mechanism's node indices and pdata, the pointer slots,
/// point processes, NetCons, weights and presyns. What nd-estimate predicts nrniv-core
/// holds; nd-core's own account is `MemoryAccount` (it keeps only the variables it uses).
public enum CoreNeuronAccount {
    /// sizeof of CoreNEURON's structures on x86-64 (its `--model-stats` per-item bytes).
    public static let presynBytes = 64, inputPresynBytes = 24, netconBytes = 40, pointProcessBytes = 8
    /// Per mechanism type in a thread: NrnThreadMembList and Memb_list.
    public static let mechanismListBytes = 24 + 120
    /// Per thread: the NrnThread structure.
    public static let threadBytes = 2_000
    /// Per instance of a synapse type: its NetReceiveBuffer's entry (index, displacement,
    /// buffer index, weight index, time, flag), at least 8 entries a type.
    public static let receiveBufferBytes = 4 * 4 + 2 * 8

    static func padded(_ n: Int) -> Int { (n + 7) / 8 * 8 }

    /// A whole group, as CoreNEURON lays it out.
    public static func bytes(of g: CoreGroup, catalog: MechanismCatalog) -> Int {
        var doubles = 6 * padded(g.nodeCount) + (g.diam == nil ? 0 : padded(g.nodeCount))
        var bytes = threadBytes + 4 * g.nodeCount
        var pointProcesses = 0
        for m in g.mechanisms {
            guard let e = catalog[type: m.type] else { continue }
            doubles = padded(doubles) + padded(m.count) * e.dataSize
            bytes += mechanismListBytes + 4 * m.count * (1 + e.pdataSize)
            if e.isPointProcess { pointProcesses += m.count }
            if let layout = MechanismTable.mechanism(named: e.name)?.layout, layout.kind == .pointProcess, layout.receiveSize > 0 {
                bytes += max(8, m.count) * receiveBufferBytes
            }
        }
        bytes += 8 * doubles + 8 * g.vdataCount + pointProcesses * pointProcessBytes
        let netcons = g.netconSourceGids.count
        bytes += netcons * (netconBytes + 8) + 8 * g.weights.count + g.outputGids.count * presynBytes
        return bytes
    }

    /// Per cell of a group (no padding, no per-thread items): its nodes, the mechanism
    /// instances on them, and the presyn.
    public static func perCell(_ model: ModelGroup, catalog: MechanismCatalog) -> [Int] {
        var bytes = [Int](repeating: presynBytes, count: model.cells.count)
        let owner = MemoryAccount.cellOfNode(model)
        for c in owner where c >= 0 { bytes[c] += 6 * 8 + 4 }
        func add(_ nodes: [Int32], _ layout: MechanismLayout) {
            let each = instanceBytes(layout)
            for n in nodes where owner[Int(n)] >= 0 { bytes[owner[Int(n)]] += each }
        }
        add(model.nodes.cmUFPerCm2.indices.filter { model.nodes.cmUFPerCm2[$0] > 0 }.map { Int32($0) }, Capacitance.layout)
        for m in MechanismTable.kernels { add(m.nodes(of: model), m.layout) }
        add(NaIon.nodes(of: model), NaIon.layout); add(KIon.nodes(of: model), KIon.layout)
        return bytes
    }

    /// One instance of `layout`: its variables, node index, pdata, pointer slots and
    /// point process.
    public static func instanceBytes(_ layout: MechanismLayout) -> Int {
        let slots = layout.pdata.filter { [.pointProcess, .netSend, .random, .corePointer].contains($0) }.count
        let point = layout.kind == .pointProcess || layout.kind == .artificialCell
        return 8 * layout.variables.count + 4 * (1 + layout.pdata.count) + 8 * slots + (point ? pointProcessBytes : 0)
    }

    /// What the phase files hold for one synapse of `m` and the connection into it: in
    /// phase 2 its node index, variables, pdata and BBCOREPOINTER integers, the
    /// connection's target type and index, weights and delay; in phase 1 its source gid.
    public static func datasetBytes(_ m: any SynapseMechanism.Type) -> Int {
        let l = m.layout
        return 4 + 8 * l.variables.count + 4 * l.pdata.count + 4 * m.pointerIntegers + (4 + 4 + 8 * l.receiveSize + 8) + 4
    }

    /// A synapse of `layout` and the NetCon into it (with its weights and pointer).
    public static func synapseBytes(_ layout: MechanismLayout) -> Int {
        instanceBytes(layout) + receiveBufferBytes + netconBytes + 8 + 8 * layout.receiveSize
    }
}
