import NDFormats
import NDModel
import Testing

@Suite struct ModelFileTests {
    func sample() -> ModelGroup {
        var g = ModelGroup(entry: 42)
        g.cells.gid = [42, 43]; g.cells.firstNode = [0, 3]; g.cells.nodeCount = [3, 2]; g.cells.somaNode = [1, 3]
        g.cells.thresholdMV = [-30, -20]
        g.nodes.parent = [-1, 0, 1, -1, 3]; g.nodes.areaUm2 = [0, 100, 0, 50, 0]
        g.nodes.cmUFPerCm2 = [0, 1, 0, 1, 0]; g.nodes.rInvPerMOhm = [0, 2, 3, 0, 4]
        g.hh.node = [1]; g.hh.gnabar = [0.12]; g.hh.gkbar = [0.036]; g.hh.gl = [0.0003]; g.hh.el = [-54.3]
        g.pas.node = [3]; g.pas.g = [0.001]; g.pas.e = [-65]
        g.expSyn.node = [3]; g.expSyn.tauMs = [2]; g.expSyn.eMV = [0]
        g.exp2Syn.node = [1]; g.exp2Syn.tau1Ms = [1]; g.exp2Syn.tau2Ms = [8]; g.exp2Syn.eMV = [-80]
        g.iClamp.node = [1]; g.iClamp.delayMs = [5]; g.iClamp.durationMs = [10]; g.iClamp.ampStartNA = [0.1]
        g.iClamp.ampEndNA = [0.2]; g.iClamp.widthMs = [0]; g.iClamp.periodMs = [0]
        g.netCons.sourceGid = [7, 8]; g.netCons.target = [0, 1]; g.netCons.weightUS = [0.001, 0.002]; g.netCons.delayMs = [1, 2.5]
        g.replay.gid = [7]; g.replay.timeMs = [3]
        return g
    }

    let names = ["42_1.dat", "42_2.dat", "42_3.dat"]

    @Test func roundTrips() throws {
        let g = sample()
        let back = try ModelGroup(network: g.networkFile().encoded(), cells: g.cellsFile().encoded(),
                                  gapJunctions: g.gapJunctionFile().encoded(), names: names)
        #expect(back == g)
        #expect(Array(g.cellsFile().encoded().prefix(8)) == Array("NDMODEL".utf8) + [0])
    }

    @Test func everyFlippedByteOrTruncationIsCaught() throws {
        let g = sample()
        let net = g.networkFile().encoded(), gaps = g.gapJunctionFile().encoded()
        let cells = g.cellsFile().encoded()
        for i in stride(from: 0, to: cells.count, by: 7) {
            var bad = cells
            bad[i] ^= 0x5A
            #expect(throws: NDError.self, "byte \(i)") {
                try ModelGroup(network: net, cells: bad, gapJunctions: gaps, names: names)
            }
        }
        for length in [0, 7, 30, cells.count / 2, cells.count - 1] {
            let error = #expect(throws: NDError.self) {
                try ModelGroup(network: net, cells: Array(cells.prefix(length)), gapJunctions: gaps, names: names)
            }
            #expect(error?.file == "42_2.dat")
        }
        let swapped = #expect(throws: NDError.self) { try ModelGroup(network: cells, cells: cells, gapJunctions: gaps, names: names) }
        #expect(swapped?.message.contains("file kind 2, expected 1") == true)
    }

    @Test func indicesAreChecked() throws {
        var g = sample()
        g.netCons.target[1] = 9
        let error = #expect(throws: NDError.self) {
            try ModelGroup(network: g.networkFile().encoded(), cells: g.cellsFile().encoded(),
                           gapJunctions: g.gapJunctionFile().encoded(), names: names)
        }
        #expect(error?.message.contains("netcon target 9 outside the 2 synapses") == true)
    }
}
