import Foundation
import NDFormats
import NDModel
import Testing

@Suite struct JSONScannerTests {
    func scan<R>(_ text: String, _ body: (inout JSONScanner) throws -> R) throws -> R {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer, file: "t.json")
            let result = try body(&scanner)
            try scanner.expectEnd()
            return result
        }
    }

    func failure(_ text: String, _ body: (inout JSONScanner) throws -> Void) -> String {
        do { try scan(text, body); return "no error" } catch { return "\(error)" }
    }

    @Test func walksObjectsAndArrays() throws {
        let text = """
            {"a": [1, 2, 3], "b\\u00e9\\n": {"c": "x\\"y"}, "skip": [true, false, null, {"d": -1.5e3}], "e": []}
            """
        let seen = try scan(text) { s -> [String] in
            var key: [UInt8] = []
            var seen: [String] = []
            try s.beginObject()
            while try s.nextKey(&key) {
                let name = String(decoding: key, as: UTF8.self)
                seen.append(name)
                if key.spells("a") || key.spells("e") {
                    try s.beginArray()
                    while try s.nextElement() { seen.append(String(try s.int())) }
                } else if name == "bé\n" {
                    try s.beginObject()
                    #expect(try s.nextKey(&key))
                    seen.append(try s.string())
                    #expect(try !s.nextKey(&key))
                } else {
                    try s.skipValue()
                }
            }
            return seen
        }
        #expect(seen == ["a", "1", "2", "3", "bé\n", "x\"y", "skip", "e"])
    }

    @Test func numbersEqualStrtod() throws {
        var rng = SeededRandom(seed: 7)
        var texts = ["0", "-0", "812.4", "0.1", "1e-7", "123456789012345678", "-9223372036854775808", "2.5E+3",
                     "0.30000000000000004", "1234567890.123456789", "9007199254740993", "1.7976931348623157e308"]
        for _ in 0..<2000 {
            let digits = String(rng.below(100_000_000))
            let cut = rng.below(digits.count + 1)
            texts.append(String(digits.prefix(cut)).isEmpty ? "0." + digits : digits.prefix(cut) + "." + digits.dropFirst(cut) + "1")
        }
        for text in texts {
            let parsed = try scan(text) { try $0.double() }
            #expect(parsed == strtod(text, nil), "\(text)")
        }
        #expect(try scan("-9223372036854775808") { try $0.int() } == Int64.min)
        #expect(try scan("9223372036854775807") { try $0.int() } == Int64.max)
    }

    @Test func errorsNameTheLine() {
        #expect(failure("{\n\"a\": 1,\n}") { s in var k: [UInt8] = []; try s.beginObject(); while try s.nextKey(&k) { _ = try s.int() } }
                == "t.json:3: a trailing ',' before '}'")
        #expect(failure("[1,\n\n 2 3]") { s in try s.beginArray(); while try s.nextElement() { _ = try s.int() } }
                == "t.json:3: expected ',' or ']', found '3'")
        #expect(failure("01") { s in _ = try s.int() } == "t.json:1: expected the end of the text, found '1'")
        #expect(failure("1.") { s in _ = try s.double() } == "t.json:1: a number needs digits after '.'")
        #expect(failure("1.5") { s in _ = try s.int() } == "t.json:1: expected an integer, found a number with a fraction or exponent")
        #expect(failure("99999999999999999999") { s in _ = try s.int() } == "t.json:1: an integer too large for 64 bits")
        #expect(failure("\"abc") { s in _ = try s.string() } == "t.json:1: a string runs to the end of the text")
        #expect(failure("\"a\\qb\"") { s in _ = try s.string() } == "t.json:1: an invalid escape '\\q' in a string")
        #expect(failure("\"\\ud800\"") { s in _ = try s.string() } == "t.json:1: an unpaired surrogate in \\u escape")
        #expect(failure("tru") { s in try s.skipValue() } == "t.json:1: expected 'true', found 't'")
        #expect(failure("[1] x") { s in try s.skipValue() } == "t.json:1: expected the end of the text, found 'x'")
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        // 50,000 nested arrays crashed skipValue (SIGSEGV); the limit names the line.
        let n = 50_000
        #expect(failure("\n" + String(repeating: "[", count: n) + String(repeating: "]", count: n)) { try $0.skipValue() }
                == "t.json:2: arrays and objects nested deeper than \(JSONScanner.maxDepth) levels")
        let deepest = String(repeating: "[{\"a\":", count: JSONScanner.maxDepth / 2) + "1" + String(repeating: "}]", count: JSONScanner.maxDepth / 2)
        #expect(failure(deepest) { try $0.skipValue() } == "no error")
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try scan("\"\\ud83d\\ude00 ok\"") { try $0.string() } == "😀 ok")
    }

    @Test func integerArraysReadWholeAndCountTheirLines() throws {
        let ids = try scan("[\n    0,\n    -7,\n    123456789012345678\n]") { s -> [Int] in
            var ids = [99]
            try s.integers(into: &ids, what: "ids")
            #expect(s.line == 5)
            return ids
        }
        #expect(ids == [99, 0, -7, 123_456_789_012_345_678])
        #expect(try scan("[ ]") { s -> [Int] in var ids: [Int] = []; try s.integers(into: &ids, what: "ids"); return ids } == [])
        // Inside an object, the scanner goes on after the array.
        let after = try scan(#"{"a": [1,2], "b": 3}"#) { s -> [Int] in
            var ids: [Int] = []
            try s.beginObject()
            _ = try s.nextKey()
            try s.integers(into: &ids, what: "a")
            _ = try s.nextKey()
            ids.append(Int(try s.int()))
            if try s.nextKey() != nil { ids.append(-1) }
            return ids
        }
        #expect(after == [1, 2, 3])
    }

    @Test func integerArraysRefuseWhatIsNotAPlainInteger() {
        func refusal(_ text: String) -> String { failure(text) { s in var ids: [Int] = []; try s.integers(into: &ids, what: "pop.m") } }
        #expect(refusal("[1,\n 2.5]") == "t.json:2: pop.m: expected integers")
        #expect(refusal("[1e3]") == "t.json:1: pop.m: expected integers")
        #expect(refusal("[01]") == "t.json:1: pop.m: expected integers")
        #expect(refusal("[1234567890123456789]") == "t.json:1: pop.m: expected integers")
        #expect(refusal("[\"1\"]") == "t.json:1: pop.m: expected integers")
        #expect(refusal("[1,]") == "t.json:1: a trailing ',' before ']'")
        #expect(refusal("[1 2]") == "t.json:1: pop.m: expected ',' or ']'")
        #expect(refusal("[1,\n2") == "t.json:2: expected ',' or ']', found the end of the text")
        #expect(refusal("{}") == "t.json:1: expected '[', found '{'")
    }
}
