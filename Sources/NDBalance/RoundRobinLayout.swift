import NDModel

/// How a files.dat must list entries so that CoreNEURON's round-robin (entry `i` to rank
/// `i mod (machines × ranksPerMachine)`) gives every rank the entries chosen for it.
///
/// A slot holds an entry index or nil for an empty slot (`-1`).
public enum RoundRobinLayout {
    /// The reference tool's layout: each machine's entries, in assignment order, are cut in
    /// batches of `ranksPerMachine`; round after round, every machine contributes its next
    /// batch (a short batch padded with empty slots, a machine with nothing left a whole
    /// batch of empty slots). Rank `r` of a machine thus gets entries `r`, `r + rpm`, ...
    public static func machineBatches(_ perMachine: [[Int]], ranksPerMachine rpm: Int) -> [Int?] {
        precondition(rpm > 0)
        let longest = perMachine.map(\.count).max() ?? 0
        let rounds = (longest + rpm - 1) / rpm
        var slots: [Int?] = []
        slots.reserveCapacity(rounds * rpm * perMachine.count)
        for round in 0..<rounds {
            for entries in perMachine {
                let lo = round * rpm
                for k in lo..<(lo + rpm) { slots.append(k < entries.count ? entries[k] : nil) }
            }
        }
        return slots
    }

    /// A layout from the entries of every rank: `perRank[m][r]` lists, in order, what rank
    /// `r` of machine `m` loads. Round `k` lists the `k`-th entry of every rank, machine by
    /// machine, rank by rank; ranks with fewer entries get empty slots.
    public static func rankLists(_ perRank: [[[Int]]], ranksPerMachine rpm: Int) -> [Int?] {
        precondition(rpm > 0)
        let rounds = perRank.flatMap { $0.map(\.count) }.max() ?? 0
        var slots: [Int?] = []
        slots.reserveCapacity(rounds * rpm * perRank.count)
        for round in 0..<rounds {
            for ranks in perRank {
                for r in 0..<rpm {
                    let list = r < ranks.count ? ranks[r] : []
                    slots.append(round < list.count ? list[round] : nil)
                }
            }
        }
        return slots
    }
}
