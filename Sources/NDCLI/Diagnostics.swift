import ArgumentParser
import NDModel

/// Reporting for one tool: `nd-TOOL: error: ...` / `nd-TOOL: warning: ...` on stderr,
/// and the mapping of errors to exit codes (1 for bad input or a failed run; argument
/// errors stay with ArgumentParser, which exits 64).
public struct Diagnostics: Sendable {
    /// The tool's name, as it prefixes every message.
    public let tool: String
    public var verbose: Bool

    public init(tool: String, verbose: Bool = false) {
        self.tool = tool
        self.verbose = verbose
    }

    public func warning(_ message: String) {
        StandardError.write("\(tool): warning: \(message)\n")
    }

    public func info(_ message: String) {
        StandardError.write("\(tool): \(message)\n")
    }

    /// A message shown only with `-v`.
    public func debug(_ message: @autoclosure () -> String) {
        if verbose { StandardError.write("\(tool): \(message())\n") }
    }

    /// Runs `body`; an `NDError` (or any other non-ArgumentParser error) is printed as
    /// `nd-TOOL: error: ...` and becomes exit code 1.
    public func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as NDError {
            StandardError.write("\(tool): error: \(error)\n")
            throw ExitCode(1)
        } catch let error as ExitCode {
            throw error
        } catch {
            StandardError.write("\(tool): error: \(error)\n")
            throw ExitCode(1)
        }
    }
}
