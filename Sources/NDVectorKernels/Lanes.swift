/// Four consecutive doubles, wherever they are aligned.
@inline(__always) func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always) func load4(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
    load4(UnsafePointer(p))
}

@inline(__always) func store4(_ x: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD4<Double>.self)
}
