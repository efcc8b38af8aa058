import NDFormats
import NDModel

/// How sections are cut into compartments.
public enum CompartmentRule: Equatable, Sendable {
    /// NEURON's d_lambda rule: segments no longer than `dLambda` × the AC length constant
    /// at `frequencyHz` (an odd count, as NEURON's `geom_nseg`).
    case dLambda(dLambda: Double, frequencyHz: Double)
    /// Segments of at most `lengthUm` µm (odd count).
    case fixedLength(lengthUm: Double)
    /// Exactly `count` segments per section.
    case fixedCount(Int)
}

/// A mechanism inserted in a section type, with its parameters (NEURON names and units).
public struct MechanismSpec: Equatable, Sendable {
    public var name: String
    /// Parameter values by NEURON name (e.g. `gnabar` [S/cm²], `e` [mV]), sorted by name.
    public var parameters: [(name: String, value: Double)]

    public init(name: String, parameters: [(name: String, value: Double)]) {
        self.name = name; self.parameters = parameters
    }

    public static func == (a: MechanismSpec, b: MechanismSpec) -> Bool {
        a.name == b.name && a.parameters.map(\.name) == b.parameters.map(\.name)
            && a.parameters.map(\.value) == b.parameters.map(\.value)
    }
}

/// The passive properties and mechanisms of one section type.
public struct SectionModel: Equatable, Sendable {
    /// Membrane capacitance [µF/cm²].
    public var cmUFPerCm2: Double
    /// Axial resistance [Ω·cm].
    public var raOhmCm: Double
    public var mechanisms: [MechanismSpec]

    public init(cmUFPerCm2: Double, raOhmCm: Double, mechanisms: [MechanismSpec]) {
        self.cmUFPerCm2 = cmUFPerCm2; self.raOhmCm = raOhmCm; self.mechanisms = mechanisms
    }
}

/// An electrical model: per section type, which mechanisms with which parameters, plus
/// cm, Ra and the compartment rule. `nd:NAME` templates name `NAME.json` in the
/// population's `biophysical_neuron_models_dir`; other templates get `defaultModel`.
public struct ElectricalModel: Equatable, Sendable {
    /// The model_template it came from.
    public var template: String
    public var compartments: CompartmentRule
    public var sections: [SectionType: SectionModel]

    /// The model for a section type (basal stands in for a type the model does not name).
    public func model(for type: SectionType) -> SectionModel {
        sections[type] ?? sections[.basal] ?? sections[.soma]!
    }

    /// NEURON's limit on a section's segments (`nseg` must be in 1...32767): a compartment
    /// rule asking for more is an error, as a d_lambda of 1e-9 would ask for a billion.
    public static let maxSegments = 32767
    /// Membrane capacitance [µF/cm²], axial resistance [Ω·cm] and mechanism parameters
    /// (conductances [S/cm²], reversal potentials [mV]) accepted in model files.
    static let cmRange: ClosedRange<Double> = 0...1e6
    static let raRange: ClosedRange<Double> = 0...1e9
    static let parameterRange: ClosedRange<Double> = -1e6...1e6

    /// Format version of the `nd:` model files.
    public static let formatVersion = 1

    /// The model every non-`nd:` template gets: Hodgkin–Huxley soma and axon (NEURON's
    /// hh defaults), passive dendrites (g 0.0001 S/cm², e -65 mV), cm 1 µF/cm², Ra 100 Ω·cm,
    /// d_lambda 0.1 at 100 Hz.
    public static func defaultModel(template: String) -> ElectricalModel {
        let hh = MechanismSpec(name: "hh", parameters: [("el", -54.3), ("gkbar", 0.036), ("gl", 0.0003), ("gnabar", 0.12)])
        let pas = MechanismSpec(name: "pas", parameters: [("e", -65), ("g", 0.0001)])
        let active = SectionModel(cmUFPerCm2: 1, raOhmCm: 100, mechanisms: [hh])
        let passive = SectionModel(cmUFPerCm2: 1, raOhmCm: 100, mechanisms: [pas])
        return ElectricalModel(
            template: template, compartments: .dLambda(dLambda: 0.1, frequencyHz: 100),
            sections: [.soma: active, .axon: active, .basal: passive, .apical: passive])
    }

    /// Reads an `nd:` model file.
    public init(contentsOf path: String, template: String) throws {
        let value = try FileBytes.read(path).withUnsafeBufferPointer { try JSONCodec.decode($0, file: path) }
        guard let root = value.objectValue else { throw NDError(.malformed, file: path, "expected a JSON object") }
        let version = root["version"]?.intValue ?? 1
        guard version <= Int64(Self.formatVersion) else {
            throw NDError(.unsupported, file: path, "model format version \(version) is newer than the supported version \(Self.formatVersion)")
        }
        // Every number finite and in a range that keeps the model finite (and its
        // compartment count bounded: see `ElectricalModel.maxSegments`).
        func number(_ object: JSONObject, _ key: String, _ where_: String, in range: ClosedRange<Double>) throws -> Double? {
            guard let v = object[key] else { return nil }
            guard let d = v.doubleValue else { throw NDError(.malformed, file: path, "\(where_)\(key): expected a number, got \(v.typeName)") }
            if let problem = SimulationLimits.problem(where_ + key, d, range) { throw NDError(.outOfRange, file: path, problem) }
            return d
        }
        let cm = try number(root, "cm", "", in: Self.cmRange) ?? 1
        let ra = try number(root, "Ra", "", in: Self.raRange) ?? 100
        var rule = CompartmentRule.dLambda(dLambda: 0.1, frequencyHz: 100)
        if let c = root["compartments"] {
            guard let o = c.objectValue, let name = o["rule"]?.stringValue else {
                throw NDError(.malformed, file: path, "compartments: expected an object with a \"rule\"")
            }
            switch name {
            case "d_lambda":
                rule = .dLambda(dLambda: try number(o, "d_lambda", "compartments.", in: 1e-6...1e6) ?? 0.1,
                                frequencyHz: try number(o, "frequency", "compartments.", in: 0...1e9) ?? 100)
            case "fixed_length":
                guard let l = try number(o, "length", "compartments.", in: 0...1e9), l > 0 else {
                    throw NDError(.outOfRange, file: path, "compartments.length: expected a number > 0 [µm]")
                }
                rule = .fixedLength(lengthUm: l)
            case "nseg":
                guard let n = try number(o, "nseg", "compartments.", in: 1...Double(Self.maxSegments)), n.rounded() == n else {
                    throw NDError(.outOfRange, file: path, "compartments.nseg: expected an integer in 1...\(Self.maxSegments)")
                }
                rule = .fixedCount(Int(n))
            default:
                throw NDError(.malformed, file: path, "compartments.rule: expected d_lambda, fixed_length or nseg, got '\(name)'")
            }
        }
        guard let sectionsObject = root["sections"]?.objectValue else {
            throw NDError(.notFound, file: path, "sections: missing, required (an object keyed by soma, axon, basal, apical)")
        }
        var sections: [SectionType: SectionModel] = [:]
        for member in sectionsObject.members {
            guard let type = SectionType.allCases.first(where: { $0.name == member.key }) else {
                throw NDError(.malformed, file: path, "sections.\(member.key): expected one of soma, axon, basal, apical")
            }
            guard let o = member.value.objectValue else { throw NDError(.malformed, file: path, "sections.\(member.key): expected an object") }
            var mechanisms: [MechanismSpec] = []
            for mech in (o["mechanisms"]?.objectValue ?? [:]).members {
                guard let params = mech.value.objectValue else {
                    throw NDError(.malformed, file: path, "sections.\(member.key).mechanisms.\(mech.key): expected an object of parameters")
                }
                var list: [(name: String, value: Double)] = []
                for p in params.members {
                    guard let v = p.value.doubleValue else {
                        throw NDError(.malformed, file: path, "sections.\(member.key).mechanisms.\(mech.key).\(p.key): expected a number")
                    }
                    if let problem = SimulationLimits.problem("sections.\(member.key).mechanisms.\(mech.key).\(p.key)", v, Self.parameterRange) {
                        throw NDError(.outOfRange, file: path, problem)
                    }
                    list.append((p.key, v))
                }
                mechanisms.append(MechanismSpec(name: mech.key, parameters: list.sorted { $0.name < $1.name }))
            }
            sections[type] = SectionModel(
                cmUFPerCm2: try number(o, "cm", "sections.\(member.key).", in: Self.cmRange) ?? cm,
                raOhmCm: try number(o, "Ra", "sections.\(member.key).", in: Self.raRange) ?? ra,
                mechanisms: mechanisms.sorted { $0.name < $1.name })
        }
        guard sections[.soma] != nil else { throw NDError(.notFound, file: path, "sections.soma: missing, required") }
        self.init(template: template, compartments: rule, sections: sections)
    }

    public init(template: String, compartments: CompartmentRule, sections: [SectionType: SectionModel]) {
        self.template = template
        self.compartments = compartments
        self.sections = sections
    }
}

/// Finds and caches the electrical models of a population's templates, warning once per
/// template that gets the default model.
public final class ElectricalModelCatalog {
    private let directory: String?
    private var cache: [String: ElectricalModel] = [:]
    /// Templates that got the default model, in the order first met.
    public private(set) var defaulted: [String] = []
    private let warn: (String) -> Void
    private let check: (ElectricalModel) throws -> Void

    /// `check` vets each model once, when it is first read (e.g. for supported mechanisms).
    public init(directory: String?, warn: @escaping (String) -> Void = { _ in },
                check: @escaping (ElectricalModel) throws -> Void = { _ in }) {
        self.directory = directory
        self.warn = warn
        self.check = check
    }

    /// The file `template` is read from (nil for the default model).
    public func path(for template: String) -> String? {
        guard template.hasPrefix("nd:"), let directory else { return nil }
        return PathUtil.join(directory, String(template.dropFirst(3)) + ".json")
    }

    /// The model of `template` (`nd:NAME` reads NAME.json; anything else the default).
    public func model(for template: String) throws -> ElectricalModel {
        if let cached = cache[template] { return cached }
        let model: ElectricalModel
        if template.hasPrefix("nd:") {
            let name = String(template.dropFirst(3))
            // A name, not a path: the model is a file of the models folder, never outside it.
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw NDError(.malformed, file: directory, "model_template '\(template)': expected nd:NAME, NAME.json a file of biophysical_neuron_models_dir (no '/' or '..')")
            }
            guard let directory else {
                throw NDError(.notFound, "model_template '\(template)': the population has no biophysical_neuron_models_dir")
            }
            model = try ElectricalModel(contentsOf: PathUtil.join(directory, name + ".json"), template: template)
        } else {
            model = ElectricalModel.defaultModel(template: template)
            defaulted.append(template)
            warn("model_template '\(template)' is not an nd: model; using the default model (hh soma and axon, passive dendrites)")
        }
        try check(model)
        cache[template] = model
        return model
    }
}
