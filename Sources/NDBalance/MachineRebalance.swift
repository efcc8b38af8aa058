import NDModel

/// How nd-rebalance evens out the load.
public enum BalanceLevel: String, CaseIterable, Sendable {
    /// Machines only, as the reference tool does.
    case machines
    /// Machines, then the ranks inside each machine.
    case ranks
}

/// The rebalanced order of files.dat entries for a cluster of machines.
public struct MachineRebalance {
    /// Entries per machine, in the order they were assigned.
    public let machines: GreedyAssignment
    /// The files.dat slots, entry indices or nil for `-1`.
    public let slots: [Int?]

    /// Balances entries of `sizes` over `machineCount` machines (greedy, largest first),
    /// then lays them out for `ranksPerMachine` ranks each. With `.ranks`, each machine's
    /// entries are also balanced over its ranks by the same greedy rule.
    public init(sizes: [ByteCount], machineCount: Int, ranksPerMachine: Int, level: BalanceLevel = .machines) {
        machines = GreedyAssignment(sizes: sizes, buckets: machineCount)
        switch level {
        case .machines:
            slots = RoundRobinLayout.machineBatches(machines.members, ranksPerMachine: ranksPerMachine)
        case .ranks:
            let perRank = machines.members.map {
                GreedyAssignment(sizes: sizes, buckets: ranksPerMachine, items: $0).members
            }
            slots = RoundRobinLayout.rankLists(perRank, ranksPerMachine: ranksPerMachine)
        }
    }
}
