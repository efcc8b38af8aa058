#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NDCLI
import NDEngine
import NDFormats
import NDModel
import NDSonata

/// One input: files by name (one file, or a CoreNEURON dataset's files).
typealias FuzzInput = [(name: String, bytes: [UInt8])]

/// A parser under test: its seed inputs, where an input is written, the library call the
/// tools make on it, and (optionally) a tool command line that reads it.
final class FuzzTarget {
    static let names = ["files-dat", "estimates", "allocation-jsonl", "cell-memory-usage", "allocation-pickle",
                        "coreneuron-dataset", "sim-conf", "spike-pattern", "swc", "asc", "h5-morphology", "electrical-model", "node-sets"]

    let name: String
    var seeds: [FuzzInput] = []
    /// The folder the input's files are written to.
    let inputDir: String
    /// What the tools are given and must name in an error: the file, or the dataset folder.
    var inputPath: String
    /// Which file of a seed to mutate (by index), given the seed.
    var choose: (FuzzInput, inout SeededRandom) -> Int = { _, _ in 0 }
    var parse: () throws -> Void = {}
    var tool: (() -> [String]?)? = nil
    /// Files written before each input (the folder's unchanged content).
    var base: FuzzInput = []
    var gzipped = false
    /// Other paths an exit-1 message may name instead of the input (what the input
    /// refers to, e.g. sim.conf's dataset folder).
    var alsoNamed: [String] = []
    var clearFolder = false
    /// Where a one-file input is written (default: `inputDir`).
    lazy var writeDir: String = inputDir

    init(name: String, inputDir: String, inputPath: String) {
        self.name = name
        self.inputDir = inputDir
        self.inputPath = inputPath
    }

    /// Input made from generator state `rng`.
    func make(_ rng: SeededRandom) -> FuzzInput {
        var m = Mutator(rng: rng)
        var input = seeds[m.rng.below(seeds.count)]
        let which = choose(input, &m.rng)
        let fileName = input[which].name
        // Splice donors: the same kind of file in the other seeds.
        let suffix = fileName.split(separator: "_").last.map(String.init) ?? fileName
        let donors = seeds.flatMap { $0.filter { $0.name.hasSuffix(suffix) }.map(\.bytes) }
        if gzipped {
            // Mostly the pickle mutated then compressed (reaching the pickle reader); at
            // times the compressed stream itself.
            if m.rng.below(4) == 0 {
                input[which].bytes = m.mutate((try? Gzip.compress(input[which].bytes, level: 1)) ?? [], others: [])
            } else {
                input[which].bytes = (try? Gzip.compress(m.mutate(input[which].bytes, others: donors), level: 1)) ?? []
            }
        } else {
            input[which].bytes = m.mutate(input[which].bytes, others: donors)
        }
        return input
    }

    func write(_ input: FuzzInput) {
        if clearFolder {
            try? FileManager.default.removeItem(atPath: inputDir)
            try? FileManager.default.createDirectory(atPath: inputDir, withIntermediateDirectories: true)
        }
        let dir = clearFolder ? inputDir : writeDir
        for f in base + input { writeFile(dir + "/" + f.name, f.bytes) }
        if !clearFolder, let only = input.first { inputPath = dir + "/" + only.name }
    }

    /// Copies the input (file or folder) to `path` (+ its extension for a file).
    func save(to path: String) {
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: inputPath, isDirectory: &isDir)
        let dest = isDir.boolValue ? path : path + "-" + (inputPath as NSString).lastPathComponent
        try? FileManager.default.removeItem(atPath: dest)
        try? FileManager.default.copyItem(atPath: inputPath, toPath: dest)
    }

    static func make(_ name: String, root: String, scratch: String) throws -> FuzzTarget {
        func read(_ path: String) -> [UInt8]? { try? FileBytes.read(root + "/" + path) }
        func files(_ folder: String, _ predicate: (String) -> Bool) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? []).filter(predicate).sorted().map { folder + "/" + $0 }
        }
        let inputDir = scratch + "/input"
        try? FileManager.default.createDirectory(atPath: inputDir, withIntermediateDirectories: true)
        let t = FuzzTarget(name: name, inputDir: inputDir, inputPath: inputDir)
        func single(_ paths: [String], as fileName: ((String) -> String)? = nil) {
            for p in paths { if let b = read(p) { t.seeds.append([((fileName?(p)) ?? (p as NSString).lastPathComponent, b)]) } }
        }
        let coreneuron = "Tests/NDFormatsTests/Fixtures/coreneuron"
        let neurodamus = "Tests/NDFormatsTests/Fixtures/neurodamus"
        let datasets = ["tiny", "tiny_extras", "tiny_vecstim", "tiny_play", "ring_np1", "ring_np2", "multi"].map { coreneuron + "/" + $0 }
            + ["ndring_np1", "ndring_np2", "ndring_stoch_np2"].map { neurodamus + "/" + $0 } + ["examples/coreneuron_input"]
        let out = scratch + "/out"
        try? FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        switch name {
        case "files-dat":
            single(datasets.map { $0 + "/files.dat" } + files("Tests/EndToEndTests/Fixtures", { _ in true }).map { $0 + "/files.dat" }
                   + ["examples/formats/rebalanced-files.dat"], as: { _ in "files.dat" })
            t.parse = {
                _ = try FilesDat(contentsOf: t.inputPath)
                _ = try CoreDataset.groups(filesDat: t.inputPath, rank: 0, size: 1)
            }
            t.tool = { ["nd-stats", t.inputPath, "2", "--dat-path", root + "/examples/coreneuron_input"] }
        case "estimates":
            t.seeds = estimateSeeds().map { [("estimates.jsonl", Array($0.utf8))] }
            t.parse = { _ = try AllocationRun.problem(estimates: t.inputPath, cellMemoryUsage: nil) }
            t.tool = { ["nd-allocate", "--ranks", "2", "--allow-empty", t.inputPath, "--output-dir", out, "-o", out + "/allocation.jsonl"] }
        case "allocation-jsonl":
            t.seeds = allocationSeeds().map { [("allocation.jsonl", Array($0.utf8))] }
            t.parse = {
                let a = try AllocationJSONLines.read(t.inputPath)
                try a.checkCovers((0..<40).map { CellRef(population: "default", node: NodeID($0)) }, source: t.inputPath)
            }
            t.tool = { ["nd-instantiate", root + "/examples/circuit/simulation_config.json", "--output-path", out, "--lb-mode", "Memory", "--allocation", t.inputPath] }
        case "cell-memory-usage":
            single(["Tests/EndToEndTests/AllocationFixtures/cell_memory_usage.json", "Tests/NDFormatsTests/Fixtures/neurodamus-cell_memory_usage.json"],
                   as: { _ in "cell_memory_usage.json" })
            t.parse = { _ = try AllocationRun.problem(estimates: nil, cellMemoryUsage: t.inputPath) }
            t.tool = { ["nd-allocate", "--ranks", "3", "--cycles", "2", "--allow-empty", "--cell-memory-usage", t.inputPath, "--output-dir", out, "-o", out + "/allocation.jsonl"] }
        case "allocation-pickle":
            for p in files("Tests/EndToEndTests/AllocationFixtures", { $0.hasSuffix(".pkl.gz") }) {
                if let b = read(p), let raw = try? Gzip.decompress(b) { t.seeds.append([("allocation_r1_c1.pkl.gz", raw)]) }
            }
            t.gzipped = true
            t.parse = { _ = try AllocationPickle.read(t.inputPath) }
            let usage = root + "/Tests/EndToEndTests/AllocationFixtures/cell_memory_usage.json"
            t.tool = { ["nd-allocate", "--from", t.inputPath, "--cell-memory-usage", usage, "--output-dir", out, "-o", out + "/allocation.jsonl"] }
        case "coreneuron-dataset":
            for d in datasets {
                var seed: FuzzInput = []
                for f in files(d, { $0.hasSuffix(".dat") && !$0.hasSuffix("_3.dat") && !$0.contains("out.dat") }) {
                    if let b = read(f) { seed.append(((f as NSString).lastPathComponent, b)) }
                }
                if !seed.isEmpty { t.seeds.append(seed) }
            }
            t.clearFolder = true
            t.inputPath = inputDir
            // Mostly the phase files; at times files.dat, bbcore_mech.dat or globals.dat.
            t.choose = { seed, rng in
                let phases = seed.indices.filter { seed[$0].name.hasSuffix("_1.dat") || seed[$0].name.hasSuffix("_2.dat") }
                return rng.below(5) > 0 && !phases.isEmpty ? phases[rng.below(phases.count)] : rng.below(seed.count)
            }
            t.parse = { try loadDataset(inputDir) }
            t.tool = { ["nd-core", "-d", inputDir, "-o", out, "-e", "1"] }
        case "sim-conf":
            for d in ["ndring_np1", "ndring_np2", "ndring_stoch_np2"] {
                guard let b = read(neurodamus + "/" + d + "/sim.conf") else { continue }
                // The dataset and output paths made local, the run short.
                let text = String(decoding: b, as: UTF8.self).split(separator: "\n").map { line -> String in
                    if line.hasPrefix("datpath=") { return "datpath='\(root)/\(neurodamus)/\(d)'" }
                    if line.hasPrefix("outpath=") { return "outpath='\(out)'" }
                    if line.hasPrefix("tstop=") { return "tstop=2.0" }
                    if line.hasPrefix("report-conf=") { return "report-conf='report.conf'" }
                    return String(line)
                }.joined(separator: "\n") + "\n"
                t.seeds.append([("sim.conf", Array(text.utf8))])
            }
            for d in datasets { if let b = read(d + "/globals.dat") { t.seeds.append([("globals.dat", b)]) } }
            t.parse = {
                let bytes = try FileBytes.read(t.inputPath)
                if t.inputPath.hasSuffix("globals.dat") { _ = try GlobalsFile(parsing: bytes, name: t.inputPath); return }
                let conf = try SimConf(parsing: bytes, name: t.inputPath)
                for key in ["tstop", "dt", "celsius", "voltage", "seed"] { _ = try conf.number(key, file: t.inputPath) }
            }
            // (A bad datpath is reported as its missing bbcore_mech.dat.)
            // (A bad outpath, as the output file that cannot be made.)
            t.alsoNamed = ["bbcore_mech.dat: missing", "/out.dat: cannot create"]
            t.tool = { t.inputPath.hasSuffix("sim.conf") ? ["nd-core", "--read-config", t.inputPath, "-e", "2"] : nil }
        case "spike-pattern":
            // nd-core -p: a header line, then `time gid` lines (the fixtures' out.dat spikes).
            for p in files(neurodamus, { $0.hasSuffix(".out.dat") || $0.hasSuffix(".spikes") }) {
                if let b = read(p) { t.seeds.append([("pattern.dat", Array("/scatter\n".utf8) + b)]) }
            }
            t.parse = { _ = try PatternFile.read(t.inputPath, from: 0, to: 100) }
            t.tool = { ["nd-core", "-d", root + "/" + coreneuron + "/tiny_vecstim", "-o", out, "-e", "1", "-p", t.inputPath] }
        case "swc", "asc", "h5-morphology":
            let ext = name == "h5-morphology" ? "h5" : name
            let folders = ["examples/circuit/morphologies", "Tests/NDSonataTests/Fixtures", "Tests/NDSonataTests/Fixtures/usecase/CircuitB/morphologies/swc"]
            single(folders.flatMap { files($0, { $0.hasSuffix("." + ext) }) }, as: { _ in "morphology." + ext })
            if ext == "asc" { t.seeds += ascSeeds().map { [("morphology.asc", Array($0.utf8))] } }
            t.parse = {
                let m = try MorphologyReader.read(t.inputPath)
                _ = m.neuriteLength
                for type in [SectionType.axon, .basal, .apical] { _ = m.sectionCount(type) }
            }
            t.tool = { ["nd-circuit", "morphology", "--sections", t.inputPath] }
        case "electrical-model":
            // Written over one of the example circuit's models (the others as they are),
            // in a copy of the circuit that nd-estimate reads.
            let circuit = try exampleCircuitCopy(root: root, scratch: scratch)
            let modelDir = circuit + "/models"
            t.base = files("examples/circuit/models", { $0.hasSuffix(".json") }).compactMap { p in read(p).map { (name: (p as NSString).lastPathComponent, bytes: $0) } }
            t.seeds = t.base.map { [$0] }
            if let b = read("Tests/NDSonataTests/Fixtures/usecase/CircuitB/models/simple.json") { t.seeds.append([("cADpyr.json", b)]) }
            t.writeDir = modelDir
            t.parse = {
                let template = ((t.inputPath as NSString).lastPathComponent as NSString).deletingPathExtension
                _ = try ElectricalModel(contentsOf: t.inputPath, template: template)
            }
            t.tool = { ["nd-estimate", circuit + "/simulation_config.json", "--output-dir", out] }
        case "node-sets":
            let circuitCopy = try exampleCircuitCopy(root: root, scratch: scratch)
            single(["examples/circuit/node_sets.json", "Tests/NDSonataTests/Fixtures/usecase/node_sets.json"], as: { _ in "node_sets.json" })
            t.writeDir = circuitCopy
            let circuit = try Circuit(path: root + "/examples/circuit/circuit_config.json")
            t.parse = {
                let sets = try NodeSets(path: t.inputPath)
                for n in sets.names { _ = try sets.resolve(n, in: circuit) }
            }
            t.tool = { ["nd-estimate", circuitCopy + "/simulation_config.json", "--output-dir", out] }
        default:
            break
        }
        return t
    }
}

/// A copy of examples/circuit under `scratch` that nd-estimate can read: the configs,
/// node sets and models copied (the fuzzed ones are written over them), the rest linked.
func exampleCircuitCopy(root: String, scratch: String) throws -> String {
    let from = root + "/examples/circuit", to = scratch + "/circuit"
    let fm = FileManager.default
    try? fm.removeItem(atPath: to)
    try fm.createDirectory(atPath: to + "/models", withIntermediateDirectories: true)
    for name in try fm.contentsOfDirectory(atPath: from) {
        if name.hasSuffix(".json") {
            try fm.copyItem(atPath: from + "/" + name, toPath: to + "/" + name)
        } else if name == "models" {
            for m in try fm.contentsOfDirectory(atPath: from + "/models") { try fm.copyItem(atPath: from + "/models/" + m, toPath: to + "/models/" + m) }
        } else {
            try fm.createSymbolicLink(atPath: to + "/" + name, withDestinationPath: from + "/" + name)
        }
    }
    return to
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { fatalError("nd-fuzz: cannot write \(path)") }
    bytes.withUnsafeBytes { p in
        var done = 0
        while done < p.count {
            let n = Glibc.write(fd, p.baseAddress! + done, p.count - done)
            if n <= 0 { break }
            done += n
        }
    }
    close(fd)
}

/// What nd-core does with a dataset before simulating: the mechanisms, files.dat, every
/// group (mechanism blocks into the engine's form), globals.dat, the engine built.
func loadDataset(_ dir: String) throws {
    let dataset = try CoreDataset(directory: dir)
    let (ids, _) = try CoreDataset.groups(filesDat: dir + "/files.dat", rank: 0, size: 1)
    var models: [ModelGroup] = []
    for (k, id) in ids.enumerated() {
        var loader = DatasetLoader(catalog: dataset.catalog, file: dataset.path(id, phase: 2), localKeyBase: -(Int64(k + 1) << 32))
        let g = try dataset.group(id) { block, partial in try loader.mechanism(&block, in: partial) }
        _ = CoreNeuronAccount.bytes(of: g, catalog: dataset.catalog)
        if loader.missing.isEmpty { models.append(try loader.finish(g)) }
    }
    let globalsPath = dir + "/globals.dat"
    let globals = FileManager.default.fileExists(atPath: globalsPath) ? try GlobalsFile(parsing: try FileBytes.read(globalsPath), name: globalsPath) : nil
    let dt = globals?["dt"] ?? 0.025, celsius = globals?["celsius"] ?? 6.3
    if SimulationLimits.problem("dt", dt, SimulationLimits.dtMs) != nil || SimulationLimits.problem("celsius", celsius, SimulationLimits.celsius) != nil {
        throw NDError(.outOfRange, file: globalsPath, "out of range")
    }
    var values: [String: Double] = [:]
    for (name, value) in globals?.scalars ?? [] { values[name] = value }
    let settings = SimulationSettings(dtMs: dt, tstopMs: 1, celsius: celsius, vInitMV: -65, globals: values,
                                      randomGlobalIndex: UInt32(truncatingIfNeeded: globals?.random123GlobalIndex ?? 0))
    _ = Engine(groups: models, settings: settings)
}

/// Estimates JSON-lines as nd-estimate writes them, and with the variations the reader
/// takes (keys in another order, unknown keys, blank lines, integers for numbers).
func estimateSeeds() -> [String] {
    var a = "", b = "", c = ""
    for i in 0..<12 {
        let metype = ["L5_TPC-cADpyr", "L1_NGC-cNAC", "L23_MC-cACint"][i % 3]
        a += "{\"population\":\"default\",\"gid\":\(i),\"metype\":\"\(metype)\",\"cell_kb\":\(100 + i).5,\"synapses\":\(i * 7),\"synapse_kb\":\(Double(i) * 1.3),\"total_kb\":\(200 + i).1}\n"
        b += "{\"gid\": \(i * 3), \"cell_kb\": 12, \"synapse_kb\": 0.0, \"synapses\": 1.5e1, \"population\": \"pop\\u0041\", \"metype\": \"m\\\"x\", \"extra\": [1, {\"k\": null}]}\r\n"
        if i % 4 == 0 { b += "\n   \n" }
        c += "{\"population\":\"NodeA\",\"gid\":\(1_000_000 + i),\"metype\":\"e\(i)\",\"cell_kb\":1e2,\"synapses\":0,\"synapse_kb\":0,\"total_kb\":100}\n"
    }
    return [a, b, c]
}

/// Allocation JSON-lines as nd-allocate writes them (cells 0..<40 of `default`), and one
/// with unusual spellings.
func allocationSeeds() -> [String] {
    var a = "", b = ""
    for c in 0..<2 {
        for r in 0..<4 {
            let gids = (0..<40).filter { $0 % 8 == c * 4 + r }.map(String.init).joined(separator: ",")
            a += "{\"population\":\"default\",\"rank\":\(r),\"cycle\":\(c),\"gids\":[\(gids)],\"kb\":\(r * 100 + c).5}\n"
        }
    }
    for r in 0..<5 {
        let gids = (0..<40).filter { $0 % 5 == r }.map(String.init).joined(separator: ", ")
        b += "{ \"version\": 1, \"kb\": null, \"gids\": [\(gids)], \"cycle\": 0, \"rank\": \(r), \"population\": \"def\\u0061ult\" }\n\n"
    }
    b += "{\"population\":\"other\",\"rank\":2,\"cycle\":0,\"gids\":[],\"kb\":0}\n"
    return [a, b]
}

/// Small Neurolucida files (the fixtures have only a bad one): a soma contour, dendrites
/// and an axon with branches, markers and comments.
func ascSeeds() -> [String] {
    [
        """
        ; a comment
        ("CellBody"
          (Color Red)
          (CellBody)
          ( 0.0 0.0 0.0 2.0)
          ( 1.0 1.0 0.0 2.0)
          ( -1.0 1.0 0.0 2.0)
        )
        ( (Dendrite)
          ( 0 2 0 1)
          ( 0 5 0 1)
          (
            ( 1 6 0 0.5)
            ( 2 8 0 0.5)
          |
            ( -1 6 0 0.5)
            ( -2 9 1 0.5)
            Normal
          )
        )
        ( (Axon)
          ( 0 -2 0 1) ; point
          ( 0 -9 0 0.7)
          (Dot (0 0 0 1))
          Incomplete
        )

        """,
        """
        ((CellBody) (0 0 0 1) (1 0 0 1) (0 1 0 1))
        ((Apical) (0 0 0 1) (0 10 0 1) ((0 11 0 1) (1 12 0 1) | (0 11 0 1) (-1 12 0 1)))
        ((Dendrite) (0 0 0 1) (0 -10 0 1))

        """,
    ]
}
