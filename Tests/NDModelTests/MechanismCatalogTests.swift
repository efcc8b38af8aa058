import NDModel
import Testing

@Suite struct MechanismCatalogTests {
    /// Found by nd-fuzz (coreneuron-dataset, seed 2, inputs 58 and 1158): a variable
    /// width near Int.max in bbcore_mech.dat trapped on an arithmetic overflow summing
    /// the widths; now the error every mismatched width gives, naming the file.
    @Test func hugeVariableWidthsAreAnErrorNotATrap() {
        for dims in [[Int.max, 2], [Int.max, Int.max], [3, -1], [0, 3]] {
            let e = MechanismCatalog.Entry(name: "hh", type: 2, pointType: 0, isArtificial: false, isIon: false,
                                           dataSize: 3, pdataSize: 0, arrayDims: dims)
            var catalog = MechanismCatalog()
            let error = #expect(throws: NDError.self) { try catalog.append(e, file: "bbcore_mech.dat", line: 4) }
            #expect(error?.kind == .inconsistent)
            #expect(error?.description == "bbcore_mech.dat:4: mechanism 'hh': variable widths \(dims) do not add up to its data size 3")
        }
        var catalog = MechanismCatalog()
        #expect(throws: Never.self) {
            try catalog.append(MechanismCatalog.Entry(name: "hh", type: 2, pointType: 0, isArtificial: false, isIon: false,
                                                      dataSize: 3, pdataSize: 0, arrayDims: [1, 2]), file: "bbcore_mech.dat", line: 4)
        }
    }
}
