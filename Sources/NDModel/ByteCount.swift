/// Bytes per MiB, the unit the reference tools print loads in.
public let bytesPerMiB: Double = 1024 * 1024

/// A data size in bytes (the load of a files.dat entry, a rank or a machine).
public typealias ByteCount = UInt64
