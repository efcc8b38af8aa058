#if canImport(Glibc)
import Glibc
#endif
import NDModel
import NDSonata
import Testing

extension SonataSuite {
    @Suite struct MorphologyTests {
        /// cellA: two basal trees (one with a branch point), an axon; 5 sections in MorphIO's order.
        func checkCellA(_ m: Morphology) {
            #expect(m.sections.count == 5)
            #expect(m.sections.map(\.type) == [.basal, .basal, .basal, .basal, .axon])
            #expect(m.sections.map(\.parent) == [nil, 0, 0, nil, nil])
            // A child starts at its branch point.
            #expect(m.sections[1].points.first?.y == 10)
            #expect(m.sections[1].points.count == 3)
            #expect(m.sectionCount(.soma) == 1 && m.sectionCount(.axon) == 1)
        }

        @Test func swc() throws {
            let m = try SWCReader.read(Fixture.usecase + "/CircuitA/morphologies/swc/cellA.swc")
            checkCellA(m)
            #expect(m.soma.points.count == 1 && m.soma.diameter == 10)
            #expect(m.sections[0].points[0].diameter == 2)
        }

        @Test func ascSkipsMarkersAndEndTags() throws {
            let m = try ASCReader.read(Fixture.usecase + "/CircuitA/morphologies/asc/cellA.asc")
            checkCellA(m)
            #expect(m.soma.points.count == 4)
            #expect(m.soma.diameter == 10)  // a contour of radius 5
            #expect(m.sections[2].points.count == 2)  // the (Dot ...) marker is not a point
        }

        @Test func hdf5() throws {
            let m = try MorphologyReader.read(Fixture.path("morphology.h5"))
            #expect(m.sections.count == 3)
            #expect(m.sections.map(\.parent) == [nil, 0, 0])
            #expect(m.soma.points.count == 3)
            #expect(m.sections[1].points.count == 2)
        }

        @Test func malformedFilesNameTheLine() throws {
            let bad = #expect(throws: NDError.self) { try MorphologyReader.read(Fixture.path("bad.swc")) }
            #expect(bad?.line == 3)
            #expect(bad?.kind == .malformed)
            let orphan = #expect(throws: NDError.self) { try MorphologyReader.read(Fixture.path("orphan.swc")) }
            #expect(orphan?.kind == .inconsistent)
            #expect(orphan?.description.contains("orphan.swc:2: sample 2: parent 7") == true)
            let asc = #expect(throws: NDError.self) { try MorphologyReader.read(Fixture.path("bad.asc")) }
            #expect(asc?.kind == .malformed)
            #expect(asc?.line != nil)
            let unknown = #expect(throws: NDError.self) { try MorphologyReader.read(Fixture.path("nope.txt")) }
            #expect(unknown?.kind == .unsupported)
        }

        /// Found by nd-fuzz (asc, seed 1, input 2000): a coordinate of 1e309 (read as
        /// infinity) was taken, and nd-circuit morphology then failed to write an infinite
        /// length without naming the file. Every reader now bounds the points.
        @Test func pointsOutOfBoundsAreRefusedNamingTheFile() throws {
            let asc = "((CellBody) (0 0 0 1) (1 0 0 1) (0 1 0 1))\n((Apical) (0 0 0 1) (1e309 10 0 1))\n"
            let a = #expect(throws: NDError.self) { try ASCReader.parse(Array(asc.utf8), path: "fuzz.asc") }
            #expect(a?.kind == .outOfRange)
            #expect(a?.description == "fuzz.asc: section 1: point (inf, 10.0, 0.0) with diameter 1.0: expected coordinates within ±1e9 µm and a diameter in 0...1e9 µm")
            for (swc, what) in [("1 1 0 0 0 1e308 -1\n", "soma"), ("1 1 0 0 0 5 -1\n2 3 0 1e300 0 1 1\n", "section 1"),
                                ("1 1 0 0 0 5 -1\n2 3 0 1 0 1 1\n3 3 0 2 0 1e10 2\n", "section 1")] {
                let e = #expect(throws: NDError.self) { try SWCReader.parse(Array(swc.utf8), path: "fuzz.swc") }
                #expect(e?.kind == .outOfRange)
                #expect(e?.description.hasPrefix("fuzz.swc: \(what): point") == true)
            }
            let asc2 = "((CellBody) (0 0 0 1) (1 0 0 -2) (0 1 0 1))\n"
            #expect((#expect(throws: NDError.self) { try ASCReader.parse(Array(asc2.utf8), path: "fuzz.asc") })?.kind == .outOfRange)
            // HDF5: a NaN coordinate.
            let path = "/tmp/ndtools-morphology-test-\(getpid()).h5"
            defer { unlink(path) }
            do {
                let f = try HDF5File(creating: path)
                try f.writeMatrix([0, 0, 0, 5, 0, 1, 0, 1, 0, Double.nan, 0, 1], columns: 4, to: "/points")
                try f.writeMatrix([Int64(0), 1, -1, 1, 3, 0], columns: 3, to: "/structure")
            }
            let h5 = #expect(throws: NDError.self) { try MorphologyReader.read(path) }
            #expect(h5?.kind == .outOfRange)
            #expect(h5?.description.hasPrefix("\(path): section 1: point (0.0, nan, 0.0)") == true)
        }

        /// Found by nd-fuzz (h5-morphology, seed 1, input 3490; the file as it found it):
        /// a corrupt header giving /points billions of billions of rows trapped on an
        /// arithmetic overflow sizing the array; now an error naming the file.
        @Test func aCorruptDatasetShapeIsAnErrorNamingTheFile() throws {
            let e = #expect(throws: NDError.self) { try MorphologyReader.read(Fixture.path("fuzz-huge-shape.h5")) }
            #expect(e?.description.contains("fuzz-huge-shape.h5") == true, "\(String(describing: e))")
            #expect(e?.kind == .malformed, "\(String(describing: e))")
        }

        @Test func lookupPrefersAscOverSwcAndNamesWhatItTried() throws {
            let circuit = try Circuit(path: Fixture.usecase + "/circuit_config.json")
            let a = try circuit.config.nodePopulation("NodeA")
            #expect(try MorphologyReader.path(of: "cellA", in: a).hasSuffix("/asc/cellA.asc"))
            #expect(try MorphologyReader.path(of: "cellB", in: a).hasSuffix("/swc/cellB.swc"))
            let missing = #expect(throws: NDError.self) { try MorphologyReader.path(of: "cellZ", in: a) }
            #expect(missing?.kind == .notFound)
            #expect(missing?.message.contains("cellZ.asc") == true)
        }
    }

    @Suite struct ElectricalModelTests {
        @Test func ndModelsAreReadAndOthersGetTheDefaultOnce() throws {
            var warnings: [String] = []
            let catalog = ElectricalModelCatalog(directory: Fixture.usecase + "/CircuitB/models") { warnings.append($0) }
            let simple = try catalog.model(for: "nd:simple")
            #expect(simple.compartments == .fixedLength(lengthUm: 20))
            #expect(simple.model(for: .soma).raOhmCm == 150)
            #expect(simple.model(for: .soma).mechanisms.map(\.name) == ["hh"])
            #expect(simple.model(for: .basal).cmUFPerCm2 == 2)
            #expect(simple.model(for: .apical) == simple.model(for: .basal))  // not named: basal stands in
            _ = try catalog.model(for: "hoc:cADpyr_L2TPC")
            _ = try catalog.model(for: "hoc:cADpyr_L2TPC")
            #expect(warnings.count == 1)
            #expect(catalog.defaulted == ["hoc:cADpyr_L2TPC"])
            let missing = #expect(throws: NDError.self) { try catalog.model(for: "nd:absent") }
            #expect(missing?.file?.hasSuffix("absent.json") == true)
            #expect(missing?.kind == .notFound)
        }
    }
}
