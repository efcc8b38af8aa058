import CJansson
import NDModel

/// The one JSON codec of the project, on jansson. Every JSON and JSON-lines read and
/// write goes through here, so a faster parser can replace it in one place.
public enum JSONCodec {
    /// Significant digits written for non-integer numbers.
    public static let realPrecision: Int32 = 15

    /// Compact one-line JSON text of `value` (keys in their order).
    public static func encode(_ value: JSONValue) throws -> String {
        guard let json = makeJansson(value) else { throw NDError(.system, "JSON: cannot encode value") }
        defer { nd_json_decref(json) }
        guard let text = json_dumps(json, nd_json_encode_flags(realPrecision)) else {
            throw NDError(.outOfRange, "JSON: cannot encode value (a number that is not finite?)")
        }
        defer { free(text) }
        return String(cString: text)
    }

    /// Indented JSON text of `value` (one member per line), keys in order or sorted.
    public static func encodePretty(_ value: JSONValue, indent: Int32 = 4, sortKeys: Bool = false) throws -> String {
        guard let json = makeJansson(value) else { throw NDError(.system, "JSON: cannot encode value") }
        defer { nd_json_decref(json) }
        guard let text = json_dumps(json, nd_json_pretty_flags(realPrecision, indent, sortKeys ? 1 : 0)) else {
            throw NDError(.outOfRange, "JSON: cannot encode value (a number that is not finite?)")
        }
        defer { free(text) }
        return String(cString: text) + "\n"
    }

    /// Decodes one JSON text; `file` and `line` name it in errors.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, file: String? = nil, line: Int? = nil) throws -> JSONValue {
        var error = json_error_t()
        guard let json = json_loadb(
            UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
            bytes.count, nd_json_decode_flags(), &error)
        else {
            let text = withUnsafeBytes(of: error.text) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            throw NDError(.malformed, file: file, line: line, "invalid JSON at column \(error.column): \(text)")
        }
        defer { nd_json_decref(json) }
        return fromJansson(json)
    }

    /// Decodes one JSON text held in a String.
    public static func decode(_ text: String, file: String? = nil, line: Int? = nil) throws -> JSONValue {
        var copy = text
        return try copy.withUTF8 { try decode($0, file: file, line: line) }
    }

    private static func makeJansson(_ value: JSONValue) -> UnsafeMutablePointer<json_t>? {
        switch value {
        case .null: return json_null()
        case .bool(let b): return b ? json_true() : json_false()
        case .int(let i): return json_integer(json_int_t(i))
        case .double(let d): return d.isFinite ? json_real(d) : nil
        case .string(let s):
            var copy = s
            return copy.withUTF8 { u in
                json_stringn(UnsafeRawPointer(u.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self), u.count)
            }
        case .array(let items):
            guard let array = json_array() else { return nil }
            for item in items {
                guard let element = makeJansson(item) else { nd_json_decref(array); return nil }
                json_array_append_new(array, element)
            }
            return array
        case .object(let object):
            guard let obj = json_object() else { return nil }
            for member in object.members {
                guard let element = makeJansson(member.value) else { nd_json_decref(obj); return nil }
                json_object_set_new_nocheck(obj, member.key, element)
            }
            return obj
        }
    }

    private static func fromJansson(_ json: UnsafeMutablePointer<json_t>) -> JSONValue {
        switch json_type(rawValue: UInt32(nd_json_typeof(json))) {
        case JSON_OBJECT:
            var members: [(key: String, value: JSONValue)] = []
            var iter = json_object_iter(json)
            while let it = iter {
                let key = String(cString: json_object_iter_key(it))
                members.append((key: key, value: fromJansson(json_object_iter_value(it))))
                iter = json_object_iter_next(json, it)
            }
            return .object(JSONObject(members))
        case JSON_ARRAY:
            let n = json_array_size(json)
            var items: [JSONValue] = []
            items.reserveCapacity(n)
            for i in 0..<n { items.append(fromJansson(json_array_get(json, i))) }
            return .array(items)
        case JSON_STRING:
            let n = json_string_length(json)
            let p = json_string_value(json)!
            return .string(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self))
        case JSON_INTEGER: return .int(Int64(json_integer_value(json)))
        case JSON_REAL: return .double(json_real_value(json))
        case JSON_TRUE: return .bool(true)
        case JSON_FALSE: return .bool(false)
        default: return .null
        }
    }
}
