import Foundation
import NDFormats
import NDModel
import Testing

/// Datasets NEURON 9.0.2's `nrncore_write` wrote (Fixtures/coreneuron; see
/// scripts/make-coreneuron-fixtures.py): read field by field, written back byte for byte.
@Suite struct CoreNeuronDatasetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/coreneuron").path

    func load(_ dataset: String) throws -> (MechanismCatalog, [(String, [UInt8], [UInt8], CoreGroup)]) {
        let dir = Self.root + "/" + dataset
        let catalog = try MechanismCatalog(parsing: try FileBytes.read(dir + "/bbcore_mech.dat"), name: "bbcore_mech.dat")
        let files = try FilesDat(contentsOf: dir + "/files.dat")
        var groups: [(String, [UInt8], [UInt8], CoreGroup)] = []
        for entry in files.entries {
            let p1 = try FileBytes.read(dir + "/\(entry)_1.dat"), p2 = try FileBytes.read(dir + "/\(entry)_2.dat")
            groups.append((entry, p1, p2, try CoreGroup(id: Int(entry)!, phase1: p1, phase2: p2, catalog: catalog,
                                                        names: ("\(entry)_1.dat", "\(entry)_2.dat"))))
        }
        return (catalog, groups)
    }

    @Test(arguments: ["tiny", "ring_np1", "ring_np2", "multi", "tiny_vecstim", "tiny_extras", "tiny_play"])
    func neuronsFilesReadAndWriteBackByteForByte(dataset: String) throws {
        let (catalog, groups) = try load(dataset)
        let text = try FileBytes.read(Self.root + "/" + dataset + "/bbcore_mech.dat")
        #expect(catalog.rendered() == text)
        #expect(!groups.isEmpty)
        for (_, p1, p2, group) in groups {
            #expect(group.phase1() == p1)
            #expect(group.phase2() == p2)
        }
    }

    @Test func tinyHoldsWhatNeuronBuilt() throws {
        let (catalog, groups) = try load("tiny")
        let g = groups[0].3
        #expect(g.realCellCount == 2)
        #expect(g.outputGids.prefix(2) == [0, 1])
        let names = g.mechanisms.map { catalog[type: $0.type]!.name }
        for name in ["capacitance", "pas", "hh", "na_ion", "k_ion", "ExpSyn", "Exp2Syn", "IClamp", "NetStim"] {
            #expect(names.contains(name), "\(name) missing from \(names)")
        }
        #expect(catalog.entry(named: "hh")?.dataSize == 25)
    }

    @Test func extrasCarryBBCorePointersAndPlayedVectors() throws {
        let (catalog, groups) = try load("tiny_extras")
        let g = groups[0].3
        let vecStim = try #require(catalog.type(named: "VecStim"))
        #expect(g.corePointers.map(\.type) == [vecStim])
        #expect(g.corePointers[0].doubles == [30, 35])
        #expect(g.vecPlays.count == 1)
        #expect(g.vecPlays[0].mechanismType == catalog.type(named: "IClamp"))
    }

    func refusal(_ phase2: [UInt8], _ phase1: [UInt8]? = nil) throws -> NDError? {
        let (catalog, groups) = try load("tiny")
        do {
            _ = try CoreGroup(id: 0, phase1: phase1 ?? groups[0].1, phase2: phase2, catalog: catalog, names: ("0_1.dat", "0_2.dat"))
            return nil
        } catch let e as NDError { return e }
    }

    /// Offsets of the first byte of `text` in `bytes`.
    func find(_ text: String, in bytes: [UInt8]) -> Int {
        let t = Array(text.utf8)
        return (0...(bytes.count - t.count)).first { Array(bytes[$0..<($0 + t.count)]) == t }!
    }

    @Test func truncationAnywhereIsAnErrorNamingTheFile() throws {
        let p2 = try load("tiny").1[0].2
        for cut in [0, 1, 5, 20, 100, p2.count / 3, p2.count / 2, p2.count - 9, p2.count - 1] {
            let error = try refusal(Array(p2.prefix(cut)))
            #expect(error?.file == "0_2.dat", "cut at \(cut): \(String(describing: error))")
            #expect(error?.kind == .malformed, "cut at \(cut): \(String(describing: error))")
        }
    }

    @Test func wrongVersionMissingMarkerAndBadCountsAreRefused() throws {
        let p2 = try load("tiny").1[0].2
        var version = p2
        version[2] = UInt8(ascii: "9")  // 1.8 -> 1.9
        let newer = try refusal(version)
        #expect(newer?.kind == .unsupported)
        #expect(newer?.message.contains("'1.9'") == true)
        var marker = p2
        let m = find("chkpnt 4\n", in: marker)
        marker[m + 7] = UInt8(ascii: "7")
        let unmarked = try refusal(marker)
        #expect(unmarked?.kind == .malformed)
        #expect(unmarked?.message.contains("chkpnt 7 before the nodes' b, expected chkpnt 4") == true)
        var count = p2
        let n = find("14 nnode", in: count)
        count[n + 1] = UInt8(ascii: "9")  // 19 nodes: the arrays no longer fit
        #expect(try refusal(count)?.file == "0_2.dat")
        var gids = try load("tiny").1[0].1
        let c = find("3 npresyn", in: gids)
        gids[c] = UInt8(ascii: "4")
        #expect(try refusal(p2, gids)?.file == "0_1.dat")
        var parent = p2
        let start = find("chkpnt 2\n", in: parent) + 9 + 4 * 4  // node 4's parent
        parent[start] = 9  // after the node itself
        let orphan = try refusal(parent)
        #expect(orphan?.kind == .inconsistent)
        #expect(orphan?.message.contains("node 4: parent 9") == true)
    }

    @Test func theOldFormatIsNamedWhenRefused() throws {
        let old = Array("NDMODEL\u{0}rest".utf8)
        let retired = try refusal(old)
        #expect(retired?.kind == .unsupported)
        #expect(retired?.message.contains("NDMODEL") == true)
    }
}
