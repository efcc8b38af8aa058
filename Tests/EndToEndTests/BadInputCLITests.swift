import Foundation
import Testing

/// Issue 14: bad input never crashes, hangs or half-runs. Every number is checked before
/// it sizes an array or enters the simulation (exit 64 for an option, 1 for a file, the
/// message naming the option or the file and line), and whole-input mistakes are errors.
@Suite struct BadInputCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let tiny = root + "/Tests/NDFormatsTests/Fixtures/coreneuron/tiny"
    static let example = root + "/examples/circuit/simulation_config.json"
    static let usage = root + "/Tests/EndToEndTests/AllocationFixtures/cell_memory_usage.json"

    /// A scratch folder holding a copy of the tiny NEURON-written dataset in `data/`.
    func dataset() throws -> Scratch {
        let s = Scratch()
        try FileManager.default.removeItem(atPath: s.path + "/data")
        try FileManager.default.copyItem(atPath: Self.tiny, toPath: s.path + "/data")
        return s
    }

    // MARK: nd-core: numbers from the command line, sim.conf and globals.dat

    @Test func coreOptionsOutOfRangeAreUsageErrors() throws {
        let s = try dataset()
        defer { s.remove() }
        for (option, value) in [("--tstop", "inf"), ("--tstop", "-1"), ("--dt", "nan"), ("--dt", "0"), ("--dt", "-0.025"),
                                ("--celsius", "1e308"), ("--voltage", "inf")] {
            let r = try Tool.run("nd-core", ["-d", "data", "-o", "out", option, value], in: s.path)
            #expect(r.status == 64, "\(option) \(value): \(r.stderr)")
            #expect(r.stderr.contains("\(option) "), "\(option) \(value): \(r.stderr)")
            #expect(!s.exists("out/out.dat"))
        }
        let ok = try Tool.run("nd-core", ["-d", "data", "-o", "out", "--tstop", "5"], in: s.path)
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func coreSimConfAndGlobalsNumbersAreChecked() throws {
        let s = try dataset()
        defer { s.remove() }
        for line in ["celsius=1e308", "dt=0", "tstop=inf", "dt=nan"] {
            s.write("datpath=data\noutpath=out\n\(line)\n", to: "sim.conf")
            let r = try Tool.run("nd-core", ["--read-config", "sim.conf"], in: s.path)
            #expect(r.status == 1, "\(line): \(r.stderr)")
            #expect(r.stderr.contains("nd-core: error: sim.conf: \(line.split(separator: "=")[0])"), "\(line): \(r.stderr)")
        }
        let globals = try #require(s.read("data/globals.dat"))
        #expect(globals.contains("\ncelsius 6.2999999999999998224\n"))
        s.write(globals.replacingOccurrences(of: "\ncelsius 6.2999999999999998224\n", with: "\ncelsius 1e308\n"), to: "data/globals.dat")
        let r = try Tool.run("nd-core", ["-d", "data", "-o", "out"], in: s.path)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("data/globals.dat: celsius 1e+308: expected a finite number in -273.15...1000"), "\(r.stderr)")
    }

    /// A mechanism GLOBAL that is not finite would spread NaN through every state.
    @Test func coreGlobalsMustBeFinite() throws {
        let s = try dataset()
        defer { s.remove() }
        let globals = try #require(s.read("data/globals.dat"))
        #expect(globals.contains("\nusetable_hh 1\n"))
        for value in ["nan", "inf", "-inf"] {
            s.write(globals.replacingOccurrences(of: "\nusetable_hh 1\n", with: "\nusetable_hh \(value)\n"), to: "data/globals.dat")
            let r = try Tool.run("nd-core", ["-d", "data", "-o", "out"], in: s.path)
            #expect(r.status == 1, "\(value): \(r.stderr)")
            #expect(r.stderr.contains("data/globals.dat:23: usetable_hh \(value): expected a finite number"), "\(r.stderr)")
            #expect(!s.exists("out/out.dat"))
        }
    }

    /// A model that turns unstable (here a negative leak: each step multiplies v - e by
    /// about 40) stops the run on every rank with an error naming a cell and the time,
    /// instead of writing NaN spike times.
    @Test func aMembranePotentialThatIsNoLongerFiniteStopsEveryRank() throws {
        let s = Scratch()
        defer { s.remove() }
        try FileManager.default.removeItem(atPath: s.path)
        try FileManager.default.copyItem(atPath: Self.root + "/examples/circuit", toPath: s.path)
        let models = try FileManager.default.contentsOfDirectory(atPath: s.path + "/models")
        for name in models where name.hasSuffix(".json") {
            let text = try #require(s.read("models/" + name))
            #expect(text.contains("\"gl\": 0.0003"))
            s.write(text.replacingOccurrences(of: "\"gl\": 0.0003", with: "\"gl\": -0.039"), to: "models/" + name)
        }
        let built = try Tool.run("nd-instantiate", ["simulation_config.json", "--output-path", "o", "--ranks", "2"], in: s.path)
        #expect(built.status == 0, "\(built.stderr)")
        let one = try Tool.run("nd-core", ["-d", "o/coreneuron_input", "-o", "out", "--tstop", "50"], in: s.path)
        #expect(one.status == 1, "\(one.stderr)")
        #expect(one.stderr.contains("nd-core: error: cell "), "\(one.stderr)")
        #expect(one.stderr.contains(": membrane potential not finite at t = "), "\(one.stderr)")
        #expect(!s.exists("out/out.dat"))
        let two = try Tool.mpirun(2, "nd-core", ["-d", "o/coreneuron_input", "-o", "out2", "--tstop", "50"], in: s.path)
        #expect(two.status != 0)
        #expect(two.stderr.components(separatedBy: "membrane potential not finite").count - 1 >= 1, "\(two.stderr)")
        #expect(!s.exists("out2/out.dat"))
    }

    /// Found by nd-fuzz (h5-morphology, seed 1, input 1301): libhdf5 1.10.8 dereferences
    /// NULL reading this corrupt file (a local heap's size). The tool reports the file and
    /// exits 1 instead of dying of SIGSEGV.
    @Test func aFileLibHDF5CrashesOnIsAnErrorNamingIt() throws {
        let file = Self.root + "/Tests/NDSonataTests/Fixtures/fuzz-libhdf5-crash.h5"
        let r = try Tool.run("nd-circuit", ["morphology", "--sections", file], in: Self.root)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("nd-circuit: error: \(file): corrupt or truncated HDF5 file"), "\(r.stderr)")
        // A good file read afterwards in the same way still works (the guard is only armed
        // inside HDF5 reads).
        let good = try Tool.run("nd-circuit", ["morphology", "--sections", Self.root + "/Tests/NDSonataTests/Fixtures/morphology.h5"], in: Self.root)
        #expect(good.status == 0, "\(good.stderr)")
    }

    /// A cell estimated twice would be allocated twice.
    @Test func estimatesListingACellTwiceAreAnErrorNamingBothLines() throws {
        let s = Scratch()
        defer { s.remove() }
        func line(_ population: String, _ gid: Int) -> String {
            "{\"population\":\"\(population)\",\"gid\":\(gid),\"metype\":\"m\",\"cell_kb\":10,\"synapses\":1,\"synapse_kb\":1}\n"
        }
        s.write(line("S1", 0) + line("S2", 0) + "\n" + line("S1", 1) + line("S1", 0), to: "estimates.jsonl")
        let r = try Tool.run("nd-allocate", ["--ranks", "1", "estimates.jsonl", "--output-dir", "out"], in: s.path)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("nd-allocate: error: estimates.jsonl:5: cell S1[0] estimated again (first on line 1)"), "\(r.stderr)")
        #expect(!s.exists("out/allocation_r1_c1.pkl.gz"))
        // From a pipe: records instead of lines.
        let estimates: String = try #require(s.read("estimates.jsonl"))
        let piped = try Tool.run("nd-allocate", ["--ranks", "1", "-", "--output-dir", "out"], in: s.path, stdin: estimates)
        #expect(piped.status == 1, "\(piped.stderr)")
        #expect(piped.stderr.contains("cell S1[0] estimated twice (records 1 and 4)"), "\(piped.stderr)")
    }

    /// Found by nd-fuzz (sim-conf, seed 1, input 6650): a datpath with NUL bytes was cut
    /// short where the system read it, and the message named a folder ("/work") instead
    /// of sim.conf. A NUL is now an error naming sim.conf and the line.
    @Test func coreSimConfWithANulByteNamesTheLine() throws {
        let s = try dataset()
        defer { s.remove() }
        s.write("outpath=out\ndatpath='data\u{0}\u{0}xyz'\n", to: "sim.conf")
        let r = try Tool.run("nd-core", ["--read-config", "sim.conf"], in: s.path)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("nd-core: error: sim.conf:2: a NUL byte"), "\(r.stderr)")
    }

    @Test func coreRefusesAGroupListedTwice() throws {
        let s = try dataset()
        defer { s.remove() }
        s.write("1.8\n2\n0\n0\n", to: "data/files.dat")
        let r = try Tool.run("nd-core", ["-d", "data", "-o", "out"], in: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("data/files.dat:4: group 0 listed twice"), "\(r.stderr)")
    }

    // MARK: nd-rebalance and nd-stats: cluster sizes and whole-file checks of files.dat

    func filesDat(_ text: String, entries: [String]) -> Scratch {
        let s = Scratch()
        for (i, e) in entries.enumerated() where e != "-1" { s.addEntry(e, size: (i + 1) << 20) }
        s.write(text, to: "data/files.dat")
        return s
    }

    @Test func clusterSizesThatWouldSizeHugeArraysAreUsageErrors() throws {
        let s = filesDat("1.8\n4\n0\n1\n2\n3\n", entries: ["0", "1", "2", "3"])
        defer { s.remove() }
        let rebalance = try Tool.run("nd-rebalance", ["data/files.dat", "2", "--ranks-per-machine", "1000000000", "--output-file", "out.dat"], in: s.path)
        #expect(rebalance.status == 64, "\(rebalance.stderr)")
        #expect(rebalance.stderr.contains("--ranks-per-machine"), "\(rebalance.stderr)")
        #expect(!s.exists("out.dat"))
        let stats = try Tool.run("nd-stats", ["data/files.dat", "9223372036854775807"], in: s.path)
        #expect(stats.status == 64, "\(stats.stderr)")
        #expect(stats.stderr.contains("N_MACHINES"), "\(stats.stderr)")
        let product = try Tool.run("nd-stats", ["data/files.dat", "65536", "--ranks-per-machine", "65536"], in: s.path)
        #expect(product.status == 64, "\(product.stderr)")
    }

    @Test func aGroupListedTwiceIsAnErrorNamingBothLines() throws {
        let s = filesDat("1.8\n4\n0\n1\n2\n1\n", entries: ["0", "1", "2"])
        defer { s.remove() }
        for (tool, args) in [("nd-rebalance", ["data/files.dat", "2", "--output-file", "out.dat"]), ("nd-stats", ["data/files.dat", "2"])] {
            let r = try Tool.run(tool, args, in: s.path)
            #expect(r.status == 1, "\(tool): \(r.stderr)")
            #expect(r.stderr.contains("\(tool): error: data/files.dat:6: entry '1' listed again (first on line 4)"), "\(tool): \(r.stderr)")
        }
        #expect(!s.exists("out.dat"))
        // Names that are not plain decimals are compared as text; "07" and "7" are two files.
        let text = filesDat("1.8\n3\na\nb\na\n", entries: ["a", "b"])
        defer { text.remove() }
        let r = try Tool.run("nd-stats", ["data/files.dat", "1"], in: text.path)
        #expect(r.status == 1 && r.stderr.contains("data/files.dat:5: entry 'a' listed again (first on line 3)"), "\(r.stderr)")
        let distinct = filesDat("1.8\n2\n7\n07\n", entries: ["7", "07"])
        defer { distinct.remove() }
        let ok = try Tool.run("nd-stats", ["data/files.dat", "1"], in: distinct.path)
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func aFilesDatWithoutItsVersionLineIsAnError() throws {
        // The count first: the reference would take entry 10 for the count and drop it.
        let s = filesDat("3\n10\n11\n12\n", entries: ["10", "11", "12"])
        defer { s.remove() }
        for (tool, args) in [("nd-rebalance", ["data/files.dat", "2", "--output-file", "out.dat"]), ("nd-stats", ["data/files.dat", "2"])] {
            let r = try Tool.run(tool, args, in: s.path)
            #expect(r.status == 1, "\(tool): \(r.stderr)")
            #expect(r.stderr.contains("\(tool): error: data/files.dat:1: '3' is a number: expected the version line"), "\(tool): \(r.stderr)")
        }
        #expect(!s.exists("out.dat"))
    }

    // MARK: allocations: ranks and cycles size the bucket array

    @Test func allocationRanksThatWouldSizeHugeArraysAreErrors() throws {
        let s = Scratch()
        defer { s.remove() }
        let options = try Tool.run("nd-allocate", ["--ranks", "4611686018427387904", "--cycles", "4", "--cell-memory-usage", Self.usage], in: s.path)
        #expect(options.status == 64, "\(options.stderr)")
        #expect(options.stderr.contains("--ranks x --cycles"), "\(options.stderr)")

        // {'S1': {(2**62, 0): [0, 1]}}, protocol 2, gzip'd.
        let pickle = Data(base64Encoded: "H4sIAAAAAAAC/2tgqi1kiGBiYGAINixkrC1k6uJggAAHb4a2QubYQhYNbwZvxtTiYj0A8Fw6hSwAAAA=")!
        try pickle.write(to: URL(fileURLWithPath: s.path + "/allocation_r1_c1.pkl.gz"))
        let fromPickle = try Tool.run("nd-allocate", ["--from", "allocation_r1_c1.pkl.gz", "--cell-memory-usage", Self.usage], in: s.path)
        #expect(fromPickle.status == 1, "\(fromPickle.stderr)")
        #expect(fromPickle.stderr.contains("nd-allocate: error: allocation_r1_c1.pkl.gz: population S1: bucket (4611686018427387904, 0)"), "\(fromPickle.stderr)")

        s.write("{\"population\":\"S1\",\"rank\":0,\"cycle\":0,\"gids\":[0]}\n{\"population\":\"S1\",\"rank\":4611686018427387904,\"cycle\":0,\"gids\":[1]}\n", to: "allocation.jsonl")
        let lines = try Tool.run("nd-instantiate", [Self.example, "--output-path", "out", "--lb-mode", "Memory", "--allocation", "allocation.jsonl"], in: s.path)
        #expect(lines.status == 1, "\(lines.stderr)")
        #expect(lines.stderr.contains("nd-instantiate: error: allocation.jsonl:2: rank 4611686018427387904, cycle 0"), "\(lines.stderr)")
        #expect(!s.exists("out/coreneuron_input/files.dat"))
    }

    // MARK: cell_memory_usage.json: whole-file checks

    @Test func cellMemoryUsageWithRepeatedOrNegativeIdsOrMemoryIsAnError() throws {
        let s = Scratch()
        defer { s.remove() }
        let cases = [
            ("\"S1\": {\"a\": [0, 1, 2], \"b\": [3, 1]}", "\"a\": 10, \"b\": 20", "pop_metype_gids.S1: node id 1 listed twice (under a and b)"),
            ("\"S1\": {\"a\": [0, 1, 2, 2]}", "\"a\": 10", "pop_metype_gids.S1: node id 2 listed twice (under a)"),
            ("\"S1\": {\"a\": [0, -1]}", "\"a\": 10", "pop_metype_gids.S1.a: node id -1, expected >= 0"),
            ("\"S1\": {\"a\": [0, 1]}", "\"a\": -10", "metype_memory.a: -10.0, expected a finite number >= 0"),
        ]
        for (ids, memory, message) in cases {
            s.write("{\"metype_memory\": {\(memory)}, \"metype_cell_syn_average\": {}, \"pop_metype_gids\": {\(ids)}}\n", to: "usage.json")
            let r = try Tool.run("nd-allocate", ["--ranks", "1", "--cell-memory-usage", "usage.json", "--output-dir", "out"], in: s.path)
            #expect(r.status == 1, "\(message): \(r.stderr)")
            #expect(r.stderr.contains("nd-allocate: error: usage.json: \(message)"), "\(r.stderr)")
            #expect(!s.exists("out/allocation_r1_c1.pkl.gz"))
        }
        // Sparse ids (the set path) too.
        s.write("{\"metype_memory\": {\"a\": 1}, \"pop_metype_gids\": {\"S1\": {\"a\": [5000000000, 7, 5000000000]}}}\n", to: "usage.json")
        let sparse = try Tool.run("nd-allocate", ["--ranks", "1", "--cell-memory-usage", "usage.json", "--output-dir", "out"], in: s.path)
        #expect(sparse.status == 1)
        #expect(sparse.stderr.contains("node id 5000000000 listed twice"), "\(sparse.stderr)")
    }

    /// Found by nd-fuzz (cell-memory-usage, seed 1, input 2200): a metype of
    /// pop_metype_gids missing from metype_memory was reported without the file's name.
    @Test func cellMemoryUsageMetypeWithoutMemoryNamesTheFile() throws {
        let s = Scratch()
        defer { s.remove() }
        s.write("{\"metype_memory\": {\"a\": 1}, \"pop_metype_gids\": {\"S1\": {\"a\": [0], \"L0.0_SSC-cADpyr\": [1]}}}\n", to: "usage.json")
        let r = try Tool.run("nd-allocate", ["--ranks", "1", "--cell-memory-usage", "usage.json", "--output-dir", "out"], in: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("nd-allocate: error: usage.json: metype 'L0.0_SSC-cADpyr' of population 'S1' has no metype_memory entry"), "\(r.stderr)")
    }
}
