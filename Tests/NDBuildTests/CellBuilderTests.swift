import NDBuild
import NDModel
import NDSonata
import Testing

/// A soma and two basal sections in a row, cut into three segments each: the nodes,
/// their order and parents, the membrane, the mechanisms and the layout CellBuilder
/// gives, worked out by hand.
@Suite struct CellBuilderTests {
    static let morphology = Morphology(
        path: "two-sections.swc",
        soma: Soma(points: [MorphologyPoint(0, 0, 0, diameter: 10)]),
        sections: [
            Section(type: .basal, parent: nil, points: [MorphologyPoint(5, 0, 0, diameter: 2), MorphologyPoint(105, 0, 0, diameter: 2)]),
            Section(type: .basal, parent: 0, points: [MorphologyPoint(105, 0, 0, diameter: 2), MorphologyPoint(155, 0, 0, diameter: 2)]),
        ])
    static let pas = MechanismSpec(name: "pas", parameters: [("e", -70), ("g", 0.002)])
    static let model = ElectricalModel(
        template: "three", compartments: .fixedCount(3),
        sections: [.soma: SectionModel(cmUFPerCm2: 1, raOhmCm: 100, mechanisms: [pas]),
                   .basal: SectionModel(cmUFPerCm2: 2, raOhmCm: 150, mechanisms: [pas])])

    @Test func nodesComeParentsFirstWithACentrePerSegmentAndAnEndPerSection() throws {
        var group = ModelGroup(entry: 0)
        let layout = try CellBuilder.append(gid: Gid(41), morphology: Self.morphology, model: Self.model, thresholdMV: -20, to: &group)
        // root 0; soma centres 1, 2, 3 and end 4; section 0: 5, 6, 7 and end 8; section 1: 9, 10, 11 and end 12.
        #expect(group.nodes.parent == [-1, 0, 1, 2, 3, 2, 5, 6, 7, 8, 9, 10, 11])
        #expect(layout.centerNodes == [[1, 2, 3], [5, 6, 7], [9, 10, 11]])
        #expect(layout.endNode == [4, 8, 12])
        #expect(layout.somaNode == 2)
        #expect(group.nodes.compartmentCount == 9)
        #expect(group.cells.gid == [41])
        #expect(group.cells.somaNode == [2])
        #expect(group.cells.thresholdMV == [-20])
        // Every array of the nodes has one value per node.
        for count in [group.nodes.areaUm2.count, group.nodes.cmUFPerCm2.count, group.nodes.a.count, group.nodes.b.count] {
            #expect(count == 13)
        }
    }

    @Test func membraneAreaCapacitanceAndAxialCoefficients() throws {
        var group = ModelGroup(entry: 0)
        _ = try CellBuilder.append(gid: Gid(1), morphology: Self.morphology, model: Self.model, thresholdMV: 0, to: &group)
        let nodes = group.nodes
        // Nodes without membrane (the root, the ends) get NEURON's 100 µm² and no capacitance.
        for i in [0, 4, 8, 12] {
            #expect(nodes.areaUm2[i] == 100)
            #expect(nodes.cmUFPerCm2[i] == 0)
        }
        // A segment of a cylinder: its lateral surface, pi d L / nseg.
        for i in [1, 2, 3] {
            #expect(abs(nodes.areaUm2[i] - Double.pi * 10 * 10 / 3) < 1e-9)
            #expect(nodes.cmUFPerCm2[i] == 1)
        }
        for i in [5, 6, 7] {
            #expect(abs(nodes.areaUm2[i] - Double.pi * 2 * 100 / 3) < 1e-9)
            #expect(nodes.cmUFPerCm2[i] == 2)
        }
        for i in [9, 10, 11] { #expect(abs(nodes.areaUm2[i] - Double.pi * 2 * 50 / 3) < 1e-9) }
        // The root has no parent to couple to; every other node couples both ways, a
        // scaled by the parent's area and b by its own.
        #expect(nodes.a[0] == 0 && nodes.b[0] == 0)
        for i in 1..<nodes.count {
            let p = Int(nodes.parent[i])
            #expect(nodes.a[i] < 0 && nodes.b[i] < 0)
            #expect(abs(nodes.a[i] * nodes.areaUm2[p] - nodes.b[i] * nodes.areaUm2[i]) < 1e-9 * abs(nodes.b[i] * nodes.areaUm2[i]))
        }
        // Between two centres of section 0 (length 100/3 µm, diameter 2 µm, Ra 150 Ω·cm):
        // 1/r = pi (d/2)^2 / (Ra L) in 1/MΩ, b = -1e2 (1/r) / area.
        let r = 1e-2 * 150 * (100.0 / 3) / (Double.pi * 1 * 1)
        #expect(abs(nodes.b[6] - (-1e2 / r / nodes.areaUm2[6])) < 1e-9 * abs(nodes.b[6]))
    }

    @Test func mechanismsGoToEveryCentreNode() throws {
        var group = ModelGroup(entry: 0)
        _ = try CellBuilder.append(gid: Gid(1), morphology: Self.morphology, model: Self.model, thresholdMV: 0, to: &group)
        #expect(group.pas.node == [1, 2, 3, 5, 6, 7, 9, 10, 11])
        #expect(group.pas.g == [Double](repeating: 0.002, count: 9))
        #expect(group.pas.e == [Double](repeating: -70, count: 9))
        #expect(group.hh.node.isEmpty)
    }

    @Test func theLayoutPlacesPositionsInSegments() throws {
        var group = ModelGroup(entry: 0)
        let layout = try CellBuilder.append(gid: Gid(1), morphology: Self.morphology, model: Self.model, thresholdMV: 0, to: &group)
        #expect(layout.node(section: 0, position: 0.5) == 2)
        #expect(layout.node(section: 1, position: 0) == 5)
        #expect(layout.node(section: 1, position: 0.34) == 6)
        #expect(layout.node(section: 1, position: 0.99) == 7)
        #expect(layout.node(section: 1, position: 1) == 8)  // the end node
        #expect(layout.node(section: 2, position: 0.5) == 10)
        #expect(layout.node(section: 3, position: 0.5) == nil)
        #expect(layout.node(section: -1, position: 0.5) == nil)
    }

    @Test func aSecondCellFollowsTheFirstInTheGroup() throws {
        var group = ModelGroup(entry: 0)
        _ = try CellBuilder.append(gid: Gid(7), morphology: Self.morphology, model: Self.model, thresholdMV: 0, to: &group)
        let second = try CellBuilder.append(gid: Gid(9), morphology: Self.morphology, model: Self.model, thresholdMV: 0, to: &group)
        #expect(group.nodes.count == 26)
        #expect(group.nodes.parent[13] == -1)
        #expect(Array(group.nodes.parent[14...]) == [-1, 0, 1, 2, 3, 2, 5, 6, 7, 8, 9, 10, 11].dropFirst().map { $0 + 13 })
        #expect(second.somaNode == 15)
        #expect(group.cells.gid == [7, 9])
        #expect(group.cells.somaNode == [2, 15])
        #expect(group.pas.node.count == 18)
    }

    @Test func aCompartmentRuleAskingForTooManySegmentsNamesTheSection() throws {
        var model = Self.model
        model.compartments = .fixedLength(lengthUm: 1e-3)  // 100,000 segments for section 0
        var group = ModelGroup(entry: 0)
        let error = #expect(throws: NDError.self) {
            _ = try CellBuilder.append(gid: Gid(1), morphology: Self.morphology, model: model, thresholdMV: 0, to: &group)
        }
        #expect(error?.kind == .outOfRange)
        #expect(error?.message.hasPrefix("section 1 (basal):") == true)
        #expect(group.nodes.count == 0)  // nothing built
    }
}
