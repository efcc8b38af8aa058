#if canImport(Glibc)
import Glibc
#endif
import NDEngine
import NDVectorKernels
import Testing

/// hh's vector loops against the scalar formulas of NDEngine's HH kernel (written out
/// here once more), bit for bit: voltages inside and outside the table, on its rows, NaN;
/// counts that leave one to three instances over.
@Suite(.enabled(if: VectorSupport.processorSupportsKernels, "the processor lacks AVX2 or FMA"))
struct HHKernelTests {
    var spread = VectorExpTests.Spread(state: 7)

    /// A rate table of the vector loop's shape: 201 rows of six positive rates and a copy
    /// of the last.
    mutating func rates() -> [Double] {
        var t = (0..<(201 * 6)).map { k in k % 2 == 0 ? spread.uniform(0, 1) : spread.uniform(0.05, 12) }
        t += t.suffix(6)
        return t
    }

    mutating func voltage(_ k: Int) -> Double {
        switch k % 7 {
        case 0: return Double(Int(spread.next() % 201) - 100)  // on a row
        case 1: return spread.uniform(-160, -100)  // below the table
        case 2: return spread.uniform(100, 160)  // above it
        default: return spread.uniform(-100, 100)
        }
    }

    static func scalarGates(_ t: [Double], v: Double, dt: Double, _ m: inout Double, _ h: inout Double, _ n: inout Double) {
        let x = v + 100
        var r = [Double](repeating: .nan, count: 6)
        if x.isNaN {
        } else if x <= 0 { r = Array(t[0..<6]) } else if x >= 200 { r = Array(t[1200..<1206]) } else {
            let i = Int(x), f = x - Double(i), o = 6 * i
            for c in 0..<6 { r[c] = t[o + c] + f * (t[o + 6 + c] - t[o + c]) }
        }
        m += (1 - exp(dt * (-1.0 / r[1]))) * (-(r[0] / r[1]) / (-1.0 / r[1]) - m)
        h += (1 - exp(dt * (-1.0 / r[3]))) * (-(r[2] / r[3]) / (-1.0 / r[3]) - h)
        n += (1 - exp(dt * (-1.0 / r[5]))) * (-(r[4] / r[5]) / (-1.0 / r[5]) - n)
    }

    func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test(arguments: [1, 3, 4, 7, 1001])
    mutating func gatesAsTheScalarLoop(count: Int) {
        let table = rates()
        var v = (0..<count).map { voltage($0) }
        if count > 5 { v[5] = .nan }
        let node = (0..<Int32(count)).reversed().map { $0 }  // any order
        var m = (0..<count).map { _ in spread.uniform(0, 1) }, h = m.reversed() as [Double], n = m.map { 1 - $0 }
        var (em, eh, en) = (m, h, n)
        for k in 0..<count { Self.scalarGates(table, v: v[Int(node[k])], dt: 0.025, &em[k], &eh[k], &en[k]) }
        table.withUnsafeBufferPointer { t in VectorExp.table.withUnsafeBufferPointer { e in
            HHGates.advance(count: count, node: node, v: v, rates: t.baseAddress!, m: &m, h: &h, n: &n, dt: 0.025, expTable: e.baseAddress!)
        }}
        #expect(same(m, em) && same(h, eh) && same(n, en))
    }

    @Test(arguments: [2, 4, 9, 1000])
    mutating func currentsAsTheScalarLoop(count: Int) {
        let nodes = count + 5
        let v = (0..<nodes).map { voltage($0) }
        let node = (0..<Int32(count)).map { ($0 * 7) % Int32(nodes) }  // distinct while count < nodes and 7 coprime
        func values(_ low: Double, _ high: Double) -> [Double] { (0..<count).map { _ in spread.uniform(low, high) } }
        let gnabar = values(0, 0.2), gkbar = values(0, 0.05), gl = values(0, 0.001), el = values(-70, -50)
        let ena = values(40, 60), ek = values(-90, -70), m = values(0, 1), h = values(0, 1), n = values(0, 1)
        var rhs = values(-1, 1) + [0, 0, 0, 0, 0], d = values(0, 1) + [0, 0, 0, 0, 0]
        var erhs = rhs, ed = d
        for k in 0..<count {
            let i = Int(node[k])
            let gna = gnabar[k] * m[k] * m[k] * m[k] * h[k], gk = gkbar[k] * n[k] * n[k] * n[k] * n[k]
            erhs[i] -= gna * (v[i] - ena[k]) + gk * (v[i] - ek[k]) + gl[k] * (v[i] - el[k])
            ed[i] += gna + gk + gl[k]
        }
        // The parameters' own copies, alive for the call (the struct holds pointers).
        let pinned = [gnabar, gkbar, gl, el, ena, ek].map { a -> UnsafeMutablePointer<Double> in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: a.count)
            p.initialize(from: a, count: a.count)
            return p
        }
        defer { pinned.forEach { $0.deallocate() } }
        let p = HHCurrents.Parameters(gnabar: pinned[0], gkbar: pinned[1], gl: pinned[2], el: pinned[3], ena: pinned[4], ek: pinned[5])
        HHCurrents.add(count: count, node: node, v: v, parameters: p, m: m, h: h, n: n, rhs: &rhs, d: &d)
        #expect(same(rhs, erhs) && same(d, ed))
    }
}
