/// What one process built for one bucket, gathered to rank 0 (a plain value, so that
/// MPI can gather it as bytes): where the bucket is, its counts and its time for
/// nd-instantiate's JSON-line, and the CRC-32 and size of its two files for the
/// dataset's checksum file.
public struct BuiltBucket: BitwiseCopyable, Sendable, Equatable {
    public var bucket: Int, entry: Int64, rank: Int, cycle: Int
    public var cells: Int, compartments: Int, synapses: Int
    public var crc1: UInt32, size1: Int, crc2: UInt32, size2: Int
    public var seconds: PhaseSeconds

    public init(bucket: Int, entry: Int64, rank: Int, cycle: Int, cells: Int, compartments: Int, synapses: Int,
                crc1: UInt32, size1: Int, crc2: UInt32, size2: Int, seconds: PhaseSeconds) {
        self.bucket = bucket; self.entry = entry; self.rank = rank; self.cycle = cycle
        self.cells = cells; self.compartments = compartments; self.synapses = synapses
        self.crc1 = crc1; self.size1 = size1; self.crc2 = crc2; self.size2 = size2
        self.seconds = seconds
    }

    /// The bytes of its two files.
    public var bytes: Int { size1 + size2 }
}
