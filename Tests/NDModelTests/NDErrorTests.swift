#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NDModel
import Testing

@Suite struct NDErrorTests {
    @Test func rendersFileLineAndMessageWithoutTheKind() {
        #expect(NDError(.malformed, file: "a.jsonl", line: 3, "expected a JSON object").description == "a.jsonl:3: expected a JSON object")
        #expect(NDError(.notFound, file: "b.h5", "no such group").description == "b.h5: no such group")
        #expect(NDError(.usage, "--cells must be at least 1").description == "--cells must be at least 1")
    }

    /// Same place and words but another kind is another error: callers and tests match on it.
    @Test func theKindTellsErrorsApart() {
        #expect(NDError(.malformed, file: "x", "bad") != NDError(.outOfRange, file: "x", "bad"))
    }

    @Test func systemCallFailuresAreClassifiedByErrno() {
        #expect(NDError.Kind(errno: ENOENT) == .notFound)
        #expect(NDError.Kind(errno: ENOTDIR) == .notFound)
        #expect(NDError.Kind(errno: EISDIR) == .usage)
        #expect(NDError.Kind(errno: EACCES) == .system)
        #expect(NDError.Kind(errno: ENOSPC) == .system)
    }
}
