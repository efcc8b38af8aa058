import NDFormats
import NDModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of a long step on stderr: a bar with count, rate and ETA, redrawn at most ten
/// times a second. Drawn when stderr is a terminal or when asked (`--progress`); silent
/// otherwise, so pipes and logs stay clean.
public final class ProgressBar {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private var done = 0
    private let started: Double
    private var lastDraw = -1.0

    /// `force` draws even when stderr is not a terminal.
    public init(_ label: String, total: Int, force: Bool = false) {
        self.label = label
        self.total = total
        self.enabled = total > 0 && (force || StandardError.isTerminal)
        self.started = monotonicSeconds()
    }

    /// Records `count` more items done.
    public func advance(by count: Int = 1) {
        done += count
        guard enabled else { return }
        let now = monotonicSeconds()
        if now - lastDraw >= 0.1 || done >= total {
            lastDraw = now
            draw(now)
        }
    }

    /// Ends the bar's line (draws the final state first).
    public func finish() {
        guard enabled else { return }
        draw(monotonicSeconds())
        StandardError.write("\n")
    }

    private func draw(_ now: Double) {
        let elapsed = max(now - started, 1e-9)
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        StandardError.write(
            "\r\(label) [\(bar)] \(done)/\(total) \(cFormat("%3.0f", fraction * 100))% "
                + "\(Self.human(rate))/s ETA \(Self.clock(eta))\u{1B}[K")
    }

    static func human(_ rate: Double) -> String {
        if rate >= 1e6 { return cFormat("%.1f", rate / 1e6) + "M" }
        if rate >= 1e3 { return cFormat("%.1f", rate / 1e3) + "k" }
        return cFormat("%.0f", rate)
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : "\(s / 60):" + (s % 60 < 10 ? "0" : "") + "\(s % 60)"
    }
}
