import NDModel

/// A mechanism's instances during a run, as the engine steps them: SoA arrays over the
/// instances of every loaded group, node indices in the engine's order. The engine calls
/// `current` for every kernel in table order (CoreNEURON's `nrn_cur` order) and
/// `advance` after the voltage update (`nrn_state`).
public protocol MechanismKernel: AnyObject {
    var count: Int { get }
    /// INITIAL: states at the initial voltages.
    func initialize(v: UnsafePointer<Double>)
    /// Adds the membrane current (into rhs) and its conductance (into d) at the step's
    /// midpoint `t`, with the voltages of the step's start.
    func current(t: Double, v: UnsafePointer<Double>, rhs: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>)
    /// Advances the states with the new voltages (cnexp as nocmodl writes it).
    func advance(v: UnsafePointer<Double>)
    /// NET_RECEIVE of `instance` with the connection's weight, at the event's time `t`.
    func receive(_ instance: Int, weight: Double, t: Double)
}

extension MechanismKernel {
    public func initialize(v: UnsafePointer<Double>) {}
    public func advance(v: UnsafePointer<Double>) {}
    public func receive(_ instance: Int, weight: Double, t: Double) {}
}

/// A passive leak, g (v - e) at one instance per node, that the engine can fold into the
/// step's first pass over the nodes (rhs = 0 - g (v - e), d = cm/dt + g: the same
/// arithmetic as a separate pass when it is the first mechanism, so bit for bit the same
/// result) instead of a pass of its own.
public protocol LeakKernel: MechanismKernel {
    /// Adds the leak's g and e at its nodes into per-node arrays (0 elsewhere).
    func fold(g: inout [Double], e: inout [Double])
}

/// What a kernel is built from: the loaded groups and where their nodes went.
public struct KernelContext {
    public let settings: SimulationSettings
    public let groups: [ModelGroup]
    /// The engine's node for node `i` of group `g`.
    public let node: (_ g: Int, _ i: Int32) -> Int32
    /// Node areas [µm²] in the engine's order.
    public let area: [Double]

    /// Concatenates `column` over the groups.
    public func gather<T>(_ column: (ModelGroup) -> [T]) -> [T] { groups.flatMap(column) }

    /// The engine's nodes of `column`'s node indices, over the groups.
    public func nodes(_ column: (ModelGroup) -> [Int32]) -> [Int32] {
        groups.indices.flatMap { g in column(groups[g]).map { node(g, $0) } }
    }
}

/// A mechanism that the engine steps; the others (capacitance, ions, NetStim) are held in
/// the engine's own arrays or read at load.
public protocol KernelMechanism: Mechanism {
    /// The kernel of the groups' instances, nil when there are none.
    static func kernel(_ context: KernelContext) -> (any MechanismKernel)?
    /// The nodes of a model group's instances.
    static func nodes(of model: ModelGroup) -> [Int32]
    /// What the kernel holds per instance [bytes]: its node index, parameters and states
    /// (the engine's memory account).
    static var engineBytesPerInstance: Int { get }
    /// Empties a model group's arrays of this mechanism (once its kernel has them).
    static func release(_ model: inout ModelGroup)
}

extension MechanismTable {
    /// The mechanisms the engine steps, in table order.
    public static var kernels: [any KernelMechanism.Type] { all.compactMap { $0 as? any KernelMechanism.Type } }
}
