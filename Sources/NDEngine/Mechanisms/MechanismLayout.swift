import NDModel

/// How a mechanism type is held, as CoreNEURON holds it: per instance a row of doubles
/// (its variables, in the order NEURON's generated code numbers them) and a row of
/// integers (pdata: links to the node's area, to ion variables, to pointer slots).
public struct MechanismLayout: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Distributed over the membrane of a node (pas, hh, capacitance).
        case density
        /// An ion's reversal, concentrations and currents at a node.
        case ion
        /// Placed at a node, receives events (synapses) or injects current (clamps).
        case pointProcess
        /// No node, no voltage: a spike generator.
        case artificialCell
    }

    /// What one pdata slot holds.
    public enum Pdata: Equatable, Sendable {
        /// The node's index (its area); -1 for an artificial cell.
        case area
        /// A variable of the named ion's instance at the node: instance × size + variable.
        case ion(String, variable: Int)
        /// The ion's style flags, a literal (NEURON writes 8 for a reversal that is read).
        case ionStyle
        /// A slot of the group's pointer table: the point process, its event queue item,
        /// its random stream, its BBCOREPOINTER data.
        case pointProcess, netSend, random, corePointer
    }

    public var name: String
    public var kind: Kind
    /// The instance's doubles, in file order.
    public var variables: [String]
    public var pdata: [Pdata]
    /// Doubles each NetCon into this mechanism carries (NET_RECEIVE's arguments).
    public var receiveSize: Int

    public init(name: String, kind: Kind, variables: [String], pdata: [Pdata] = [], receiveSize: Int = 0) {
        self.name = name; self.kind = kind; self.variables = variables; self.pdata = pdata; self.receiveSize = receiveSize
    }

    /// The column of `variable` (a programming error when absent).
    public func column(_ variable: String) -> Int {
        guard let i = variables.firstIndex(of: variable) else { preconditionFailure("\(name) has no variable \(variable)") }
        return i
    }

    /// Checks that a dataset's description of this mechanism is the one this layout reads.
    public func check(against entry: MechanismCatalog.Entry, file: String) throws {
        let artificial = kind == .artificialCell
        guard entry.dataSize == variables.count, entry.pdataSize == pdata.count, entry.isArtificial == artificial,
              entry.isIon == (kind == .ion), entry.isPointProcess == (kind == .pointProcess || artificial)
        else {
            throw NDError(.unsupported, file: file, "mechanism '\(name)' has \(entry.dataSize) variables and \(entry.pdataSize) pdata slots there; nd-core knows NEURON 9.0.2's \(name) with \(variables.count) and \(pdata.count)")
        }
    }
}

extension MechanismCatalog {
    /// This catalog with `layouts` appended as the next types (and, for point processes,
    /// the next point types): how a build with more mod files lists them.
    public func adding(_ layouts: [MechanismLayout]) -> MechanismCatalog {
        var c = self
        var pointType = entries.map(\.pointType).max() ?? 0
        for l in layouts where c.type(named: l.name) == nil {
            let point = l.kind == .pointProcess || l.kind == .artificialCell
            if point { pointType += 1 }
            try! c.append(Entry(name: l.name, type: c.entries.count + 2, pointType: point ? pointType : 0,
                                isArtificial: l.kind == .artificialCell, isIon: l.kind == .ion, dataSize: l.variables.count,
                                pdataSize: l.pdata.count, arrayDims: [Int](repeating: 1, count: l.variables.count)),
                          file: "bbcore_mech.dat", line: nil)
        }
        return c
    }
}
