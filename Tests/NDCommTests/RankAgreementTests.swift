import NDComm
import NDModel
import Testing

/// Rank `rank` of two, whose partner's part of every max is `partner`: 1 when it failed.
final class PairedRank: Communicator {
    let rank: Int
    let size = 2
    let partner: Double
    init(rank: Int, partnerFailed: Bool) { self.rank = rank; partner = partnerFailed ? 1 : 0 }
    func allSum(_ values: [Double]) throws -> [Double] { values.map { $0 + partner } }
    func allMax(_ values: [Double]) throws -> [Double] { values.map { max($0, partner) } }
    func allGather<T: BitwiseCopyable>(_ values: [T]) throws -> [T] { values + values }
    func allGatherVariable<T: BitwiseCopyable>(_ values: [T]) throws -> [T] { values + values }
    func barrier() throws {}
}

@Suite struct RankAgreementTests {
    static let problem = NDError(.malformed, file: "edges.h5", line: 3, "bad row")

    @Test func noFailureAnywhereReturns() throws {
        try stopAllIfAnyFailed(LocalCommunicator(), nil)
        try stopAllIfAnyFailed(PairedRank(rank: 1, partnerFailed: false), nil)
    }

    @Test func aLoneProcessThrowsItsOwnErrorUnchanged() {
        let error = #expect(throws: NDError.self) { try stopAllIfAnyFailed(LocalCommunicator(), Self.problem) }
        #expect(error == Self.problem)
    }

    /// Each rank leaves by its tool's error path: the failing one with its error, named by
    /// rank, the other told why it stops.
    @Test func withSeveralRanksEveryRankThrows() {
        let own = #expect(throws: NDError.self) { try stopAllIfAnyFailed(PairedRank(rank: 1, partnerFailed: false), Self.problem) }
        #expect(own?.kind == .malformed)
        #expect(own?.description == "rank 1: edges.h5:3: bad row")
        let other = #expect(throws: NDError.self) { try stopAllIfAnyFailed(PairedRank(rank: 0, partnerFailed: true), nil) }
        #expect(other?.kind == .stopped)
        #expect(other?.description == "rank 0: stopping: another rank failed")
    }
}
