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

    @Test(arguments: ["tiny", "ring_np2", "multi"])
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
}
