import Testing

/// Every NDSonata suite runs inside this one, one test at a time: Debian's HDF5 is built
/// without thread safety, so two tests must never call it at once.
@Suite(.serialized) struct SonataSuite {}
