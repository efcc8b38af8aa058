import NDBalance
import NDModel
import Testing

@Suite struct RoundRobinLayoutTests {
    @Test func batchesPerMachineRoundAfterRound() {
        let slots = RoundRobinLayout.machineBatches([[0, 1, 2, 3, 4], [5, 6]], ranksPerMachine: 2)
        #expect(slots == [0, 1, 5, 6, 2, 3, nil, nil, 4, nil, nil, nil])
    }

    @Test func theCountIsRoundsTimesRanksTimesMachines() {
        let slots = RoundRobinLayout.machineBatches([[0], [1, 2, 3, 4, 5, 6, 7], [8, 9]], ranksPerMachine: 3)
        // longest bucket 7 -> ceil(7/3) = 3 rounds of 3 ranks on 3 machines
        #expect(slots.count == 27)
        #expect(slots.compactMap { $0 }.sorted() == Array(0...9))
    }

    @Test func theReferenceExampleFromNeurodamus() {
        // 2 machines x 4 ranks, entries as observed in neurodamus's rebalanced output.
        let perMachine = [[1, 37, 15, 39, 12], [3, 25, 13, 27, 36, 0, 24]]
        let slots = RoundRobinLayout.machineBatches(perMachine, ranksPerMachine: 4)
        #expect(slots == [1, 37, 15, 39, 3, 25, 13, 27, 12, nil, nil, nil, 36, 0, 24, nil])
    }

    @Test func rankListsDealTheKthEntryOfEveryRank() {
        let slots = RoundRobinLayout.rankLists([[[0, 1], [2]], [[3], []]], ranksPerMachine: 2)
        #expect(slots == [0, 2, 3, nil, 1, nil, nil, nil])
    }

    @Test func coreneuronsRoundRobinGivesEachRankItsList() {
        let perRank: [[[Int]]] = [[[0, 4], [1]], [[2, 5, 6], [3]]]
        let slots = RoundRobinLayout.rankLists(perRank, ranksPerMachine: 2)
        for (m, ranks) in perRank.enumerated() {
            for (r, list) in ranks.enumerated() {
                let rank = m * 2 + r
                let got = slots.indices.filter { $0 % 4 == rank }.compactMap { slots[$0] }
                #expect(got == list)
            }
        }
    }
}
