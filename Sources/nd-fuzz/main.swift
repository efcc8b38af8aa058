// nd-fuzz: a seeded mutational fuzzer over ndtools' parsers (a development tool, driven
// by scripts/fuzz.sh and `make fuzz`; not one of the user tools).
//
//   nd-fuzz list
//   nd-fuzz PARSER --root REPO --work DIR [--seed S] [--start I] [--count N]
//                  [--bin BINDIR] [--tool-every K] [--timeout SECONDS]
//
// Input i of PARSER is a mutation (Mutator) of one of the parser's seed inputs (taken
// from the repository's fixtures), made with a generator seeded by (S, PARSER, i) alone,
// so any input can be made again from its index. Each is written under DIR/PARSER/ and
// given to the library entry the tools use; a thrown NDError of an input kind (not found,
// malformed, out of range, inconsistent, unsupported) is the expected outcome of a bad
// input; any other error is a failure, kept under DIR/failures/ like a tool's. Before each call DIR/PARSER.current gets the index and the counts so far, so
// that when the process dies of a signal (a crash, or SIGALRM after --timeout seconds: a
// hang) the driver can keep the input and go on at the next index. Every K-th input is
// also given to the real executable (in BINDIR), which must exit 0, 1 or 64 and, on 1,
// name the file in its message; a failure is kept under DIR/failures/.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NDCLI
import NDEngine
import NDFormats
import NDModel
import NDSonata

setvbuf(stdout, nil, _IOLBF, 0)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("nd-fuzz: \(message)\n".utf8))
    exit(64)
}

let usage = """
    usage: nd-fuzz list
           nd-fuzz PARSER --root REPO --work DIR [--seed S] [--start I] [--count N] [--bin BIN] [--tool-every K] [--timeout T]

    Mutates PARSER's seed inputs (fixtures under REPO) into inputs START..<START+N of seed S (1000 by
    default), writes each under DIR, gives it to the library parser and every K-th (50) also to the
    tool in BIN; prints the counts. A thrown error is fine; a signal or a hang past T seconds (5) kills
    the process, and DIR/PARSER.current names the input. Usually run through `make fuzz` (scripts/fuzz.sh).
    Example: nd-fuzz h5-morphology --root . --work .fuzz/one --seed 1 --start 1301 --count 1
    """
var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--help" || arguments.first == "-h" {
    print(usage)
    exit(0)
}
guard let parserName = arguments.first else { fail(usage) }
var options: [String: String] = [:]
var k = 1
while k < arguments.count {
    guard arguments[k].hasPrefix("--"), k + 1 < arguments.count else { fail("bad argument '\(arguments[k])'") }
    options[String(arguments[k].dropFirst(2))] = arguments[k + 1]
    k += 2
}
func intOption(_ name: String, _ fallback: Int) -> Int {
    guard let s = options[name] else { return fallback }
    guard let v = Int(s) else { fail("--\(name) \(s): expected an integer") }
    return v
}

if parserName == "list" {
    print(FuzzTarget.names.joined(separator: "\n"))
    exit(0)
}
guard FuzzTarget.names.contains(parserName) else { fail("unknown parser '\(parserName)' (nd-fuzz list)") }
guard let root = options["root"], let work = options["work"] else { fail("--root and --work are required") }
let seed = UInt64(intOption("seed", 1))
let start = intOption("start", 0), count = intOption("count", 1000)
let toolEvery = intOption("tool-every", 50), timeout = intOption("timeout", 5)
let bin = options["bin"]

// A bound on memory: an unbounded allocation from a bad length fails here (a signal the
// driver records) instead of exhausting the machine.
var limit = rlimit(rlim_cur: 4 << 30, rlim_max: 4 << 30)
setrlimit(Int32(RLIMIT_AS.rawValue), &limit)

let rootURL = URL(fileURLWithPath: root).standardizedFileURL.path
let workURL = URL(fileURLWithPath: work).standardizedFileURL.path
let scratch = workURL + "/" + parserName
try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
try? FileManager.default.createDirectory(atPath: workURL + "/failures", withIntermediateDirectories: true)

let target: FuzzTarget
do { target = try FuzzTarget.make(parserName, root: rootURL, scratch: scratch) } catch { fail("\(parserName): seeds: \(error)") }
guard !target.seeds.isEmpty else { fail("\(parserName): no seed inputs found under \(rootURL)") }

/// A stable hash of the parser's name, so each parser has its own stream.
let nameHash = parserName.utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }

/// The kinds a bad input may be refused with; `system`, `usage` or `diverged` (or an error
/// that is not an NDError) from a parser means the error was misclassified or the input
/// reached something it should not.
let inputKinds: Set<NDError.Kind> = [.notFound, .malformed, .outOfRange, .inconsistent, .unsupported]

func keep(_ problem: String, input i: Int) {
    let saved = workURL + "/failures/\(parserName)-\(seed)-\(i)"
    target.save(to: saved)
    try? (problem + "\n").write(toFile: saved + ".txt", atomically: false, encoding: .utf8)
    print("\(parserName): input \(i): \(problem) (kept as \(saved))")
}

var tried = 0, errors = 0, unexpected = 0, toolRuns = 0, toolBad = 0
let currentPath = workURL + "/\(parserName).current"
for i in start..<(start + count) {
    var mix = SeededRandom(seed: seed ^ nameHash ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15))
    let rng = SeededRandom(seed: mix.next())
    let input = target.make(rng)
    target.write(input)
    // What the driver needs if this input kills the process.
    let state = "\(i) \(tried) \(errors) \(unexpected) \(toolRuns) \(toolBad)\n"
    _ = FileManager.default.createFile(atPath: currentPath, contents: Data(state.utf8))
    tried += 1
    alarm(UInt32(timeout))
    do {
        try target.parse()
    } catch let error as NDError where inputKinds.contains(error.kind) {
        errors += 1
    } catch {
        unexpected += 1
        keep("not an input error (\((error as? NDError)?.kind.rawValue ?? "\(type(of: error))")): \(error)", input: i)
    }
    alarm(0)
    if let bin, toolEvery > 0, i % toolEvery == 0, let command = target.tool?() {
        toolRuns += 1
        if let problem = runTool(bin: bin, command: command, input: target.inputPath, alsoNamed: target.alsoNamed, scratch: scratch) {
            toolBad += 1
            keep(problem, input: i)
        }
    }
}
try? FileManager.default.removeItem(atPath: currentPath)
print("RESULT \(parserName) tried=\(tried) errors=\(errors) unexpected=\(unexpected) tool_runs=\(toolRuns) tool_bad=\(toolBad)")

/// Runs a tool on the input; nil when it behaved (exit 0, 64, or 1 naming the file).
func runTool(bin: String, command: [String], input: String, alsoNamed: [String], scratch: String) -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: bin + "/" + command[0])
    p.arguments = Array(command.dropFirst())
    p.currentDirectoryURL = URL(fileURLWithPath: scratch)
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    do { try p.run() } catch { return "cannot run \(command[0]): \(error)" }
    let killer = DispatchWorkItem { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: killer)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    killer.cancel()
    let line = stderr.split(separator: "\n").last(where: { $0.contains("error") }).map(String.init) ?? String(stderr.prefix(300))
    if p.terminationReason == .uncaughtSignal {
        return "\(command.joined(separator: " ")): killed by signal \(p.terminationStatus)\(p.terminationStatus == SIGKILL ? " (over 60 s)" : ""): \(line)"
    }
    switch p.terminationStatus {
    case 0, 64: return nil
    case 1:
        return stderr.contains(input) || alsoNamed.contains(where: { stderr.contains($0) }) ? nil : "\(command.joined(separator: " ")): exit 1 without naming \(input): \(line)"
    default:
        return "\(command.joined(separator: " ")): exit \(p.terminationStatus): \(line)"
    }
}
