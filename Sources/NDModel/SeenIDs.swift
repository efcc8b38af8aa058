/// Ids met so far, to find one met twice in O(n): a bitmap over 0...largest when the ids
/// are dense (as circuits number nodes: largest below 16 per id plus 4,096), a set
/// otherwise (and for any id outside that range).
public struct SeenIDs {
    private let largest: Int64
    private var bits: [UInt64]
    private var others = Set<Int64>()

    public init(largest: Int64, count: Int) {
        self.largest = largest >= 0 && largest < Int64(16 * count + 4096) ? largest : -1
        bits = [UInt64](repeating: 0, count: self.largest >= 0 ? Int(self.largest / 64 + 1) : 0)
    }

    /// Records `id`; false when it was met before.
    public mutating func insert(_ id: Int64) -> Bool {
        guard id >= 0 && id <= largest else { return others.insert(id).inserted }
        let mask: UInt64 = 1 << UInt64(id & 63), word = Int(id >> 6)
        if bits[word] & mask != 0 { return false }
        bits[word] |= mask
        return true
    }
}
