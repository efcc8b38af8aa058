import NDModel
import NDSonata

/// Builds a cell's compartments into a `ModelGroup` the way NEURON does: each section has
/// a node at the centre of each of its segments and a node without membrane at its 1 end
/// (the soma also one at its 0 end, the cell's root); a section hangs from its parent's 1
/// end, a neurite from the soma's centre. Nodes come in Hines order (parents first).
public struct CellBuilder {
    /// Where a cell's sections ended up: per SONATA section id (0 = soma) its centre nodes
    /// and its end node, as group-local node indices.
    public struct Layout {
        public var centerNodes: [[Int32]]
        public var endNode: [Int32]
        public var somaNode: Int32

        /// The node for a synapse or stimulus at `position` (0...1) of section `id`:
        /// the centre of the segment holding it; 1 is the end node.
        public func node(section id: Int, position: Double) -> Int32? {
            guard id >= 0, id < centerNodes.count else { return nil }
            let centers = centerNodes[id]
            if position >= 1 { return endNode[id] }
            let k = min(max(Int(position * Double(centers.count)), 0), centers.count - 1)
            return centers[k]
        }
    }

    /// Appends the cell `gid` to `group`; returns where its sections went.
    public static func append(gid: Gid, morphology: Morphology, model: ElectricalModel,
                              thresholdMV: Double, to group: inout ModelGroup) throws -> Layout {
        let first = Int(group.nodes.count)
        var rInv: [Double] = []  // per node of this cell: 1/axial resistance to the parent [1/MΩ]
        var centers: [[Int32]] = []
        var ends: [Int32] = []

        func addNode(parent: Int32, area: Double, cm: Double, rInv r: Double) -> Int32 {
            group.nodes.parent.append(parent)
            // NEURON gives nodes without membrane an area of 100 µm² (point currents in
            // nA then enter their rows unscaled).
            group.nodes.areaUm2.append(area > 0 ? area : 100)
            group.nodes.cmUFPerCm2.append(area > 0 ? cm : 0)
            rInv.append(r)
            return Int32(group.nodes.count - 1)
        }

        func addSection(_ geometry: SectionGeometry, type: SectionType, segments nseg: Int, attachedTo parentNode: Int32) {
            let sm = model.model(for: type)
            let L = geometry.length
            var previous = parentNode
            var pendingFactor = 0.0  // right half of the previous segment
            var nodes: [Int32] = []
            for j in 0..<nseg {
                let x0 = L * Double(j) / Double(nseg), xm = L * (Double(j) + 0.5) / Double(nseg), x1 = L * Double(j + 1) / Double(nseg)
                let left = geometry.integrate(x0, xm), right = geometry.integrate(xm, x1)
                let ri = 1e-2 * sm.raOhmCm * (pendingFactor + left.resistanceFactor)  // [MΩ]
                let node = addNode(parent: previous, area: left.area + right.area, cm: sm.cmUFPerCm2, rInv: ri > 0 ? 1 / ri : 1e9)
                for mechanism in sm.mechanisms { insert(mechanism, at: node, into: &group) }
                nodes.append(node)
                previous = node
                pendingFactor = right.resistanceFactor
            }
            let ri = 1e-2 * sm.raOhmCm * pendingFactor
            let end = addNode(parent: previous, area: 0, cm: 0, rInv: ri > 0 ? 1 / ri : 1e9)
            centers.append(nodes)
            ends.append(end)
        }

        // The soma: a cylinder as long as it is wide, with its own root node at x = 0.
        let somaDiameter = max(morphology.soma.diameter, 1)
        // Every section's segment count first: a rule asking for too many is an error
        // before anything is built.
        let geometries = [SectionGeometry(cylinderLength: somaDiameter, diameter: somaDiameter)]
            + morphology.sections.map { SectionGeometry(points: $0.points) }
        let types = [SectionType.soma] + morphology.sections.map(\.type)
        let segments = try geometries.indices.map { k in
            let sm = model.model(for: types[k])
            do {
                return try geometries[k].segmentCount(model.compartments, raOhmCm: sm.raOhmCm, cmUFPerCm2: sm.cmUFPerCm2)
            } catch var error as NDError {
                error.message = "section \(k) (\(types[k].name)): " + error.message
                throw error
            }
        }
        let root = addNode(parent: -1, area: 0, cm: 0, rInv: 0)
        addSection(geometries[0], type: .soma, segments: segments[0], attachedTo: root)
        let somaCenter = centers[0][centers[0].count / 2]
        for (k, section) in morphology.sections.enumerated() {
            let parentNode = section.parent.map { ends[$0 + 1] } ?? somaCenter
            addSection(geometries[k + 1], type: section.type, segments: segments[k + 1], attachedTo: parentNode)
        }
        // NEURON's axial coefficients: a couples a node into its parent's row, b the
        // parent into the node's.
        for (k, r) in rInv.enumerated() {
            let i = first + k, p = Int(group.nodes.parent[i])
            group.nodes.a.append(p < 0 ? 0 : -1e2 * r / group.nodes.areaUm2[p])
            group.nodes.b.append(p < 0 ? 0 : -1e2 * r / group.nodes.areaUm2[i])
        }
        group.cells.gid.append(gid.rawValue)
        group.cells.somaNode.append(somaCenter)
        group.cells.thresholdMV.append(thresholdMV)
        return Layout(centerNodes: centers, endNode: ends, somaNode: somaCenter)
    }

    static func insert(_ mechanism: MechanismSpec, at node: Int32, into group: inout ModelGroup) {
        func p(_ name: String, _ fallback: Double) -> Double {
            mechanism.parameters.first { $0.name == name }?.value ?? fallback
        }
        switch mechanism.name {
        case "pas":
            group.pas.node.append(node); group.pas.g.append(p("g", 0.001)); group.pas.e.append(p("e", -70))
        case "hh":
            group.hh.node.append(node); group.hh.gnabar.append(p("gnabar", 0.12)); group.hh.gkbar.append(p("gkbar", 0.036))
            group.hh.gl.append(p("gl", 0.0003)); group.hh.el.append(p("el", -54.3))
            group.hh.ena.append(ModelGroup.HH.defaultENa); group.hh.ek.append(ModelGroup.HH.defaultEK)
        default:
            break  // checked when the model is chosen (MechanismTable.densityNames)
        }
    }
}
