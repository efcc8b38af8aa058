import NDModel

/// A synapse that connections deliver events to. The group numbers its synapses over
/// these mechanisms in `MechanismTable.synapses` order; a connection's target is an index
/// in that numbering (`SynapseNumbering`).
/// A mechanism with GLOBAL parameters, which a dataset's globals.dat holds as
/// `name_mechanism` lines.
public protocol MechanismWithGlobals: Mechanism {
    /// Their defaults (the mod file's), in NEURON's order.
    static var globalDefaults: [(name: String, value: Double)] { get }
}

/// A mechanism whose instances carry BBCOREPOINTER data in a dataset (read once the
/// group's phase 2 is read whole: the block comes after the connections).
public protocol CorePointerMechanism: Mechanism {
    static func readPointers(_ p: CoreGroup.CorePointer, into model: inout ModelGroup, decoder: DatasetDecoder) throws
}

public protocol SynapseMechanism: KernelMechanism {
    static func count(in model: ModelGroup) -> Int
    /// BBCOREPOINTER integers per instance in a dataset (its random stream's ids and state).
    static var pointerIntegers: Int { get }
    /// Its instances' Random123 stream ids (empty: the mechanism draws none).
    static func streams(in model: ModelGroup) -> [ModelGroup.RandomStreamIDs?]
    static func setStreams(_ streams: [ModelGroup.RandomStreamIDs?], in model: inout ModelGroup)
}

extension SynapseMechanism {
    public static var pointerIntegers: Int { 0 }
    public static func streams(in model: ModelGroup) -> [ModelGroup.RandomStreamIDs?] { [] }
    public static func setStreams(_ streams: [ModelGroup.RandomStreamIDs?], in model: inout ModelGroup) {}
}

/// ProbAMPANMDA_EMS and ProbGABAAB_EMS: their columns in a model group, and from them
/// what every synapse mechanism answers.
protocol StochasticSynapseMechanism: SynapseMechanism, CorePointerMechanism {
    associatedtype Columns: ModelGroup.StochasticSynapses
    static var columns: WritableKeyPath<ModelGroup, Columns> { get }
}

extension StochasticSynapseMechanism {
    public static func nodes(of model: ModelGroup) -> [Int32] { model[keyPath: columns].node }
    public static func count(in model: ModelGroup) -> Int { model[keyPath: columns].node.count }
    public static func release(_ model: inout ModelGroup) { model[keyPath: columns] = Columns() }
    public static func streams(in model: ModelGroup) -> [ModelGroup.RandomStreamIDs?] { model[keyPath: columns].stream }
    public static func setStreams(_ streams: [ModelGroup.RandomStreamIDs?], in model: inout ModelGroup) {
        model[keyPath: columns].stream = streams
    }
    /// id1, id2, id3, sequence, which and the two delay vectors' sizes.
    public static var pointerIntegers: Int { 7 }
    public static func readPointers(_ p: CoreGroup.CorePointer, into model: inout ModelGroup, decoder: DatasetDecoder) throws {
        try StochasticSynapse.readPointers(p, for: self, into: &model, decoder: decoder)
    }

    /// The shared kernel over the groups' instances (nil when there are none);
    /// `parameters` maps the mechanism's columns and GLOBALs (`global(name)` repeats one per
    /// instance) to the kernel's.
    static func kernel(_ c: KernelContext, globals: StochasticSynapse.Globals,
                       parameters: (_ values: [String: Double], _ global: (String) -> [Double]) -> StochasticReleaseKernel.Parameters)
        -> (any MechanismKernel)?
    {
        let node = c.nodes { nodes(of: $0) }
        guard !node.isEmpty else { return nil }
        let values = globals.values(c.settings.globals)
        let p = parameters(values) { [Double](repeating: values[$0]!, count: node.count) }
        return StochasticReleaseKernel(node: node, area: c.area, parameters: p, dt: c.settings.dtMs)
    }
}

/// Which mechanism and instance each synapse index of a group names.
public struct SynapseNumbering {
    /// The first index of each of `MechanismTable.synapses`, and the total after them.
    public let starts: [Int32]

    public init(_ model: ModelGroup) {
        var starts: [Int32] = [0]
        for m in MechanismTable.synapses { starts.append(starts.last! + Int32(m.count(in: model))) }
        self.starts = starts
    }

    public var count: Int { Int(starts.last!) }

    /// (position in `MechanismTable.synapses`, instance) of synapse `index`.
    public func locate(_ index: Int32) -> (mechanism: Int, instance: Int32) {
        var m = 0
        while index >= starts[m + 1] { m += 1 }
        return (m, index - starts[m])
    }

    public func index(mechanism: Int, instance: Int32) -> Int32 { starts[mechanism] + instance }
}

/// What ProbAMPANMDA_EMS and ProbGABAAB_EMS share in a dataset.
enum StochasticSynapse {
    /// A mechanism's GLOBALs: the dataset's (globals.dat names them `<name>_<mechanism>`)
    /// where it has them, the mod file's defaults elsewhere.
    struct Globals {
        let mechanism: String
        /// In the order NEURON writes them to globals.dat.
        let defaults: [(name: String, value: Double)]
        func values(_ dataset: [String: Double]) -> [String: Double] {
            defaults.reduce(into: [:]) { r, d in r[d.name] = dataset["\(d.name)_\(mechanism)"] ?? d.value }
        }
    }

    /// The variables INITIAL sets from parameters, as NEURON holds them when it writes
    /// the dataset (after finitialize).
    struct InitialState {
        var steps: [Double], factors: [Double], unoccupied: Double, occupied: Double
        init(rise fast: (Double, Double), slow: (Double, Double), nrrp: Double, u0: Double, initDepleted: Bool, dt: Double) {
            steps = [fast.0, fast.1, slow.0, slow.1].map { StochasticReleaseKernel.step(dt, $0) }
            factors = [StochasticReleaseKernel.factor(rise: fast.0, decay: fast.1), StochasticReleaseKernel.factor(rise: slow.0, decay: slow.1)]
            (unoccupied, occupied) = initDepleted ? (nrrp, 0) : (0, nrrp)
        }
    }

    /// The BBCOREPOINTER integers of instances in written order: id1, id2, id3, sequence,
    /// which, and the sizes of the (absent) delay vectors.
    static func pointerInts(_ streams: [ModelGroup.RandomStreamIDs?]) -> [Int32] {
        streams.flatMap { s -> [Int32] in
            let ids = s ?? .init(id1: 0, id2: 0, id3: 0)
            return [Int32(bitPattern: ids.id1), Int32(bitPattern: ids.id2), Int32(bitPattern: ids.id3), 0, 0, 0, 0]
        }
    }

    /// Reads `block`'s instances into `columns`: each row checked (`finite` columns
    /// finite, time constants and pools positive), its node and a stream placeholder
    /// appended (the ids come with the BBCOREPOINTER block; none when usingR123 is 0), then
    /// `append` takes the mechanism's own parameters from the row.
    static func decode<C: ModelGroup.StochasticSynapses>(_ block: CoreGroup.Mechanism, layout: MechanismLayout, finite: [Int],
                                                          decoder d: DatasetDecoder, into columns: inout C,
                                                          append: (inout C, [Double]) -> Void) throws {
        try d.checkArea(block, layout: layout)
        let n = layout.variables.count, usingR123 = layout.column("usingR123")
        for k in 0..<block.count {
            let row = Array(block.data[(k * n)..<(k * n + n)])
            try check(row, columns: finite, layout: layout, instance: k, decoder: d)
            columns.node.append(block.nodeIndices![k])
            columns.stream.append(row[usingR123] != 0 ? ModelGroup.RandomStreamIDs(id1: 0, id2: 0, id3: 0) : nil)
            append(&columns, row)
        }
    }

    /// Parameters in `columns` finite, time constants and pool sizes positive where read.
    static func check(_ row: [Double], columns: [Int], layout: MechanismLayout, instance k: Int, decoder d: DatasetDecoder) throws {
        for c in columns where !row[c].isFinite {
            throw d.fail(.outOfRange, "\(layout.name) instance \(k): \(layout.variables[c]) \(row[c]): expected a finite value")
        }
        for name in ["tau_d_AMPA", "tau_r_GABAA", "tau_d_GABAA", "Nrrp"] where layout.variables.contains(name) {
            let value = row[layout.column(name)]
            guard value > 0, value < 1e9 else { throw d.fail(.outOfRange, "\(layout.name) instance \(k): \(name) \(value): expected > 0") }
        }
    }

    /// Sets the stream ids of `m`'s instances in a group's model from its
    /// BBCOREPOINTER block; refuses delayed connections (their event vectors), which nd-core
    /// does not run.
    static func readPointers(_ p: CoreGroup.CorePointer, for m: any SynapseMechanism.Type, into model: inout ModelGroup,
                             decoder d: DatasetDecoder) throws {
        var streams = m.streams(in: model)
        let count = streams.count
        guard p.ints.count == 7 * count else {
            throw d.fail(.inconsistent, "\(m.layout.name): \(p.ints.count) BBCOREPOINTER integers for \(count) instances (7 each)")
        }
        for k in 0..<count {
            let ints = p.ints[(7 * k)..<(7 * k + 7)].map { UInt32(bitPattern: $0) }
            guard ints[5] == 0, ints[6] == 0 else {
                throw d.fail(.unsupported, "\(m.layout.name) instance \(k): a delayed connection (\(ints[5]) delay times); nd-core does not run them")
            }
            guard streams[k] != nil else { continue }  // usingR123 0: no stream
            // bbcore_read makes a stream only when an id is nonzero.
            streams[k] = ints[0] == 0 && ints[1] == 0 && ints[2] == 0 ? nil : .init(id1: ints[0], id2: ints[1], id3: ints[2])
        }
        m.setStreams(streams, in: &model)
    }
}
