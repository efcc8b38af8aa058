import NDModel
import NDEngine
import NDBuild
import Testing

@Suite struct MemoryAccountTests {
    @Test func perCellBytesAddUpToTheGroupAccount() {
        var g = SingleCellTests.group(withClamp: true)
        g.expSyn.node = [4, 5]; g.expSyn.tauMs = [2, 2]; g.expSyn.eMV = [0, 0]
        g.netCons.sourceGid = [7, 7, 9]; g.netCons.target = [0, 1, 1]; g.netCons.weightUS = [1, 1, 1]; g.netCons.delayMs = [1, 1, 1]
        let account = MemoryAccount(g)
        let perCell = MemoryAccount.perCell(g)
        #expect(perCell.count == 1)
        // Everything but the per-source entries (two distinct sources) belongs to the cell.
        #expect(perCell[0] + 2 * MemoryAccount.bytesPerSource == account.total)
        #expect(account.nodes == g.nodes.count * MemoryAccount.bytesPerNode)
        #expect(account.mechanisms["hh"] == MemoryAccount.bytesPerInstance["hh"]!)
        #expect(account.mechanisms["pas"] == 11 * MemoryAccount.bytesPerInstance["pas"]!)
        let engine = Engine(groups: [g, g], settings: SimulationSettings(dtMs: 0.025, tstopMs: 1, celsius: 6.3, vInitMV: -65))
        #expect(engine.modelBytes == 2 * account.total)
    }

    @Test func biggerCellsCostMore() {
        let small = MemoryAccount.perCell(SingleCellTests.group(withClamp: false))[0]
        var two = SingleCellTests.group(withClamp: false)
        two.hh.node += [4, 5]; two.hh.gnabar += [0.1, 0.1]; two.hh.gkbar += [0.1, 0.1]; two.hh.gl += [0, 0]; two.hh.el += [0, 0]
        #expect(MemoryAccount.perCell(two)[0] == small + 2 * MemoryAccount.bytesPerInstance["hh"]!)
    }
}
