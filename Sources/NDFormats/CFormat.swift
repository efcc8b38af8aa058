#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `printf`-style formatting of one number through the C library, locale-independent
/// for the formats used here. Python's `format` and C's `printf` both round the exact
/// binary value half-to-even, so `%5.0f` prints what the reference tools print.
public func cFormat(_ format: String, _ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let n = withVaList([value]) { args in
        buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, args) }
    }
    if n >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(n) + 1)
        _ = withVaList([value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, args) }
        }
    }
    return String(cString: buffer)
}
