/// `bbcore_mech.dat`: the mechanisms a dataset's phase 2 files may name, with the type
/// number each is known by in this dataset and its instance sizes. Type numbers belong
/// to the build that wrote the dataset (NEURON's built-ins number differently from a
/// build with neurodamus's mod files), so readers look mechanisms up here by name.
///
///     1.8                      version
///     32                       number of types (0 and 1 are unused, listed from 2)
///     name type pointtype artificial ion datasize pdatasize nvars dim...
///     charge                   after an ion's line
public struct MechanismCatalog: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var type: Int
        /// NEURON's point type: 0 for a density mechanism, else the point-process kind.
        public var pointType: Int
        public var isArtificial: Bool
        public var isIon: Bool
        /// Doubles per instance (the sum of `arrayDims`).
        public var dataSize: Int
        /// Integers per instance in phase 2's pdata.
        public var pdataSize: Int
        /// Width of each variable (1 for scalars).
        public var arrayDims: [Int]
        /// Valence, for ions.
        public var charge: Double?

        public init(name: String, type: Int, pointType: Int, isArtificial: Bool, isIon: Bool,
                    dataSize: Int, pdataSize: Int, arrayDims: [Int], charge: Double? = nil) {
            self.name = name; self.type = type; self.pointType = pointType; self.isArtificial = isArtificial
            self.isIon = isIon; self.dataSize = dataSize; self.pdataSize = pdataSize; self.arrayDims = arrayDims
            self.charge = charge
        }

        public var isPointProcess: Bool { pointType > 0 }
    }

    /// Entries by type, from type 2 on.
    public private(set) var entries: [Entry]
    private var typeByName: [String: Int] = [:]

    /// `entries` must be numbered 2, 3, ... in order.
    public init(entries: [Entry]) throws {
        self.entries = []
        for e in entries { try append(e, file: "bbcore_mech.dat", line: nil) }
    }

    public init() { entries = [] }

    public mutating func append(_ e: Entry, file: String, line: Int?) throws {
        guard e.type == entries.count + 2 else {
            throw NDError(.inconsistent, file: file, line: line, "mechanism '\(e.name)' has type \(e.type), expected \(entries.count + 2) (types are listed in order from 2)")
        }
        guard typeByName[e.name] == nil else { throw NDError(.inconsistent, file: file, line: line, "mechanism '\(e.name)' listed twice") }
        // Summed with an overflow check: the widths come from the file.
        var width = 0, fits = true
        for w in e.arrayDims {
            let (sum, overflow) = width.addingReportingOverflow(w)
            if overflow || w < 1 { fits = false; break }
            width = sum
        }
        guard fits, width == e.dataSize else {
            throw NDError(.inconsistent, file: file, line: line, "mechanism '\(e.name)': variable widths \(e.arrayDims) do not add up to its data size \(e.dataSize)")
        }
        typeByName[e.name] = e.type
        entries.append(e)
    }

    public subscript(type type: Int) -> Entry? {
        type >= 2 && type - 2 < entries.count ? entries[type - 2] : nil
    }

    public func type(named name: String) -> Int? { typeByName[name] }

    public func entry(named name: String) -> Entry? { type(named: name).flatMap { self[type: $0] } }
}
