import NDBalance
import NDModel
import Testing

@Suite struct MachineRebalanceTests {
    /// Sizes where the reference layout leaves rank 0 of each machine far heavier.
    let skewed: [ByteCount] = (0..<64).map { ByteCount(1000 + ($0 * 7919) % 997) * 1024 }

    @Test func rankBalancingKeepsMachinesAndEvensRanks() {
        let plain = MachineRebalance(sizes: skewed, machineCount: 2, ranksPerMachine: 8)
        let ranks = MachineRebalance(sizes: skewed, machineCount: 2, ranksPerMachine: 8, level: .ranks)
        #expect(plain.slots.compactMap { $0 }.sorted() == Array(0..<64))
        #expect(ranks.slots.compactMap { $0 }.sorted() == Array(0..<64))
        let plainLoad = ClusterLoad(slotSizes: plain.slots.map { $0.map { skewed[$0] } }, machineCount: 2, ranksPerMachine: 8)
        let rankLoad = ClusterLoad(slotSizes: ranks.slots.map { $0.map { skewed[$0] } }, machineCount: 2, ranksPerMachine: 8)
        #expect(plainLoad.machineBytes == rankLoad.machineBytes)
        let before = LoadSummary(plainLoad.rankBytes.map { Double($0) }).maxOverMean
        let after = LoadSummary(rankLoad.rankBytes.map { Double($0) }).maxOverMean
        #expect(after < before)
        #expect(after < 1.02)
    }
}

@Suite struct ClusterLoadTests {
    @Test func slotsGoRoundRobinAndEmptySlotsCountAsNothing() {
        let load = ClusterLoad(slotSizes: [10, 20, nil, 40, 50, nil], machineCount: 2, ranksPerMachine: 2)
        #expect(load.rankBytes == [60, 20, 0, 40])
        #expect(load.rankEntries == [2, 1, 0, 1])
        #expect(load.machineBytes == [80, 40])
        #expect(load.machineEntries == [3, 1])
        #expect(load.machine(ofRank: 3) == 1)
    }
}

@Suite struct LoadSummaryTests {
    @Test func populationStatistics() {
        let s = LoadSummary([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(s.min == 2 && s.max == 9 && s.mean == 5 && s.stdev == 2)
        #expect(s.maxOverMean == 1.8)
        #expect(LoadSummary([Double]()).maxOverMean == 0)
    }
}
