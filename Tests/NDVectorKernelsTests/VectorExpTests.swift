#if canImport(Glibc)
import Glibc
#endif
import NDEngine
import NDVectorKernels
import Testing

/// The vector exp against the C library's, bit for bit (on processors with AVX2 and FMA,
/// which the module is compiled for; elsewhere the engine never calls it).
@Suite(.enabled(if: VectorSupport.processorSupportsKernels, "the processor lacks AVX2 or FMA"))
struct VectorExpTests {
    /// A reproducible spread of doubles (splitmix64).
    struct Spread {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e3779b97f4a7c15
            var z = state
            z = (z ^ (z &>> 30)) &* 0xbf58476d1ce4e5b9
            z = (z ^ (z &>> 27)) &* 0x94d049bb133111eb
            return z ^ (z &>> 31)
        }
        mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * Double(next() >> 11) / 0x1p53 }
    }

    func check(_ x: SIMD4<Double>) -> Bool {
        let got = VectorExp.table.withUnsafeBufferPointer { VectorExp.exp4(x, table: $0.baseAddress!) }
        return (0..<4).allSatisfy { got[$0].bitPattern == exp(x[$0]).bitPattern || (got[$0].isNaN && exp(x[$0]).isNaN) }
    }

    @Test func equalsTheCLibraryOverItsMainRange() {
        var spread = Spread(state: 42)
        var differing: [Double] = []
        for _ in 0..<(1 << 18) {
            // The hh gates' arguments (dt * -1/tau), then the whole range the main path serves.
            let x = SIMD4(spread.uniform(-3, 0), spread.uniform(-0.01, 0), spread.uniform(-511, 511), spread.uniform(-20, 20))
            if !check(x) { differing.append(contentsOf: [x[0], x[1], x[2], x[3]]) }
        }
        #expect(differing.isEmpty, "first inputs that differ: \(differing.prefix(8))")
    }

    @Test func outsideItTheScalarExpAnswers() {
        let edges: [Double] = [0, -0.0, 0x1p-60, -0x1p-60, 512, -512, 709.78, -745.2, 800, -800, .infinity, -.infinity, .nan,
                               .leastNonzeroMagnitude, 0x1p-54, -0x1p-54]
        for x in edges { #expect(check(SIMD4(x, -1.5, x, 0.25)), "exp(\(x))") }
    }

    @Test func theRunTimeCheckAgrees() {
        #expect(VectorExp.agreesWithLibm())
    }
}
