/// Somewhere bytes are written to: an atomic output file or checked stdout.
public protocol ByteSink: AnyObject {
    /// Appends `bytes`; throws when the write fails.
    func write(_ bytes: [UInt8]) throws
}

extension AtomicFile: ByteSink {}
