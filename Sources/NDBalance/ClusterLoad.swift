import NDModel

/// The load each rank and machine gets when CoreNEURON deals files.dat entries
/// round-robin: slot `i` to rank `i mod (machines × ranksPerMachine)`, rank `r` on
/// machine `r div ranksPerMachine`.
public struct ClusterLoad: Equatable {
    public let machineCount: Int
    public let ranksPerMachine: Int
    /// Bytes per rank.
    public private(set) var rankBytes: [ByteCount]
    /// Entries (non-empty slots) per rank.
    public private(set) var rankEntries: [Int]

    public var rankCount: Int { machineCount * ranksPerMachine }

    /// Loads from the size of each slot, nil for an empty slot.
    public init(slotSizes: [ByteCount?], machineCount: Int, ranksPerMachine: Int) {
        precondition(machineCount > 0 && ranksPerMachine > 0)
        self.machineCount = machineCount
        self.ranksPerMachine = ranksPerMachine
        let ranks = machineCount * ranksPerMachine
        rankBytes = [ByteCount](repeating: 0, count: ranks)
        rankEntries = [Int](repeating: 0, count: ranks)
        for (i, size) in slotSizes.enumerated() {
            guard let size else { continue }
            rankBytes[i % ranks] += size
            rankEntries[i % ranks] += 1
        }
    }

    /// Machine of rank `rank`.
    public func machine(ofRank rank: Int) -> Int { rank / ranksPerMachine }

    /// Bytes per machine.
    public var machineBytes: [ByteCount] {
        var result = [ByteCount](repeating: 0, count: machineCount)
        for (r, b) in rankBytes.enumerated() { result[r / ranksPerMachine] += b }
        return result
    }

    /// Entries per machine.
    public var machineEntries: [Int] {
        var result = [Int](repeating: 0, count: machineCount)
        for (r, n) in rankEntries.enumerated() { result[r / ranksPerMachine] += n }
        return result
    }
}
