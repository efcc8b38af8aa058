/// hh's gating states advanced one step, four instances at a time: the same table
/// interpolation and cnexp update as the scalar loop of `HH.Kernel` (the same operations
/// in the same order, no fused multiply-adds outside `VectorExp`), so the same bits.
public enum HHGates {
    /// Advances m, h and n of `count` instances at nodes `node` by `dt`. `rates` holds
    /// minf, mtau, hinf, htau, ninf, ntau at each mV from -100 to 100 and a copy of the
    /// last row after them; `expTable` is `VectorExp.table`'s storage.
    public static func advance(count: Int, node: UnsafePointer<Int32>, v: UnsafePointer<Double>, rates: UnsafePointer<Double>,
                               m: UnsafeMutablePointer<Double>, h: UnsafeMutablePointer<Double>, n: UnsafeMutablePointer<Double>,
                               dt: Double, expTable: UnsafePointer<UInt64>) {
        var k = 0
        while k + 4 <= count {
            let vk = SIMD4<Double>(v[Int(node[k])], v[Int(node[k + 1])], v[Int(node[k + 2])], v[Int(node[k + 3])])
            var gates = (load4(m + k), load4(h + k), load4(n + k))
            step(&gates, v: vk, rates: rates, dt: dt, expTable: expTable)
            store4(gates.0, m + k); store4(gates.1, h + k); store4(gates.2, n + k)
            k += 4
        }
        guard k < count else { return }
        // The last one to three: the lanes beyond `count` repeat the last instance and
        // are not stored.
        let rest = count - k
        var vk = SIMD4<Double>(), gates = (SIMD4<Double>(), SIMD4<Double>(), SIMD4<Double>())
        for lane in 0..<4 {
            let j = k + min(lane, rest - 1)
            vk[lane] = v[Int(node[j])]
            gates.0[lane] = m[j]; gates.1[lane] = h[j]; gates.2[lane] = n[j]
        }
        step(&gates, v: vk, rates: rates, dt: dt, expTable: expTable)
        for lane in 0..<rest {
            m[k + lane] = gates.0[lane]; h[k + lane] = gates.1[lane]; n[k + lane] = gates.2[lane]
        }
    }

    @inline(__always)
    static func step(_ gates: inout (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>), v: SIMD4<Double>,
                     rates: UnsafePointer<Double>, dt: Double, expTable: UnsafePointer<UInt64>) {
        // The table row and the fraction: below -100 mV the first row, from 100 mV the
        // last (fraction 0 there gives the row itself); a NaN voltage gives NaN states.
        let x = v + 100
        let isNaN = x .!= x
        let clamped = x.replacing(with: 0, where: x .<= 0).replacing(with: 200, where: x .>= 200).replacing(with: 0, where: isNaN)
        let row = clamped.rounded(.towardZero)
        let fraction = (clamped - row).replacing(with: .nan, where: isNaN)
        // Each lane's two rows (12 doubles in a row) loaded whole and turned into
        // columns: far fewer loads than one element at a time.
        let p0 = rates + 6 * Int(row[0]), p1 = rates + 6 * Int(row[1]), p2 = rates + 6 * Int(row[2]), p3 = rates + 6 * Int(row[3])
        let block0 = transpose(load4(p0), load4(p1), load4(p2), load4(p3))
        let block1 = transpose(load4(p0 + 4), load4(p1 + 4), load4(p2 + 4), load4(p3 + 4))
        let block2 = transpose(load4(p0 + 8), load4(p1 + 8), load4(p2 + 8), load4(p3 + 8))
        // Columns 0-5 of the row, then 0-5 of the next: block0 = 0-3, block1 = 4,5 | 0,1, block2 = 2-5.
        @inline(__always) func interpolate(_ low: SIMD4<Double>, _ high: SIMD4<Double>) -> SIMD4<Double> {
            low + fraction * (high - low)
        }
        let minf = interpolate(block0.0, block1.2), mtau = interpolate(block0.1, block1.3)
        let hinf = interpolate(block0.2, block2.0), htau = interpolate(block0.3, block2.1)
        let ninf = interpolate(block1.0, block2.2), ntau = interpolate(block1.1, block2.3)
        let dtV = SIMD4<Double>(repeating: dt)
        let rate = (SIMD4<Double>(repeating: -1.0) / mtau, SIMD4<Double>(repeating: -1.0) / htau, SIMD4<Double>(repeating: -1.0) / ntau)
        let argument = (dtV * rate.0, dtV * rate.1, dtV * rate.2)
        let decay: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)
        if VectorExp.inMainRange(argument.0) && VectorExp.inMainRange(argument.1) && VectorExp.inMainRange(argument.2) {
            decay = (VectorExp.mainPath(argument.0, table: expTable), VectorExp.mainPath(argument.1, table: expTable),
                     VectorExp.mainPath(argument.2, table: expTable))
        } else {
            decay = (VectorExp.scalarExp(argument.0), VectorExp.scalarExp(argument.1), VectorExp.scalarExp(argument.2))
        }
        // cnexp as nocmodl writes it for x' = (xinf - x)/xtau: x += (1 - exp(dt * (-1/xtau))) * (-(xinf/xtau)/(-1/xtau) - x).
        gates.0 += (1 - decay.0) * (-(minf / mtau) / rate.0 - gates.0)
        gates.1 += (1 - decay.1) * (-(hinf / htau) / rate.1 - gates.1)
        gates.2 += (1 - decay.2) * (-(ninf / ntau) / rate.2 - gates.2)
    }

    /// Rows a, b, c, d of four lanes as four columns.
    @inline(__always)
    static func transpose(_ a: SIMD4<Double>, _ b: SIMD4<Double>, _ c: SIMD4<Double>, _ d: SIMD4<Double>)
        -> (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)
    {
        let ab = SIMD8(lowHalf: a, highHalf: b), cd = SIMD8(lowHalf: c, highHalf: d)
        let even = SIMD8(lowHalf: ab.evenHalf, highHalf: cd.evenHalf)  // a0 a2 b0 b2 c0 c2 d0 d2
        let odd = SIMD8(lowHalf: ab.oddHalf, highHalf: cd.oddHalf)
        return (even.evenHalf, odd.evenHalf, even.oddHalf, odd.oddHalf)
    }
}
