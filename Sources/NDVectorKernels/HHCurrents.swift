/// hh's currents and conductances added into the node equations, four instances at a
/// time: the same products and sums in the same order as the scalar loop of `HH.Kernel`.
/// The instances' nodes must be distinct (a density mechanism's are), since each lane
/// reads and writes its own node's rhs and d.
public enum HHCurrents {
    public struct Parameters {
        public var gnabar, gkbar, gl, el, ena, ek: UnsafePointer<Double>
        public init(gnabar: UnsafePointer<Double>, gkbar: UnsafePointer<Double>, gl: UnsafePointer<Double>,
                    el: UnsafePointer<Double>, ena: UnsafePointer<Double>, ek: UnsafePointer<Double>) {
            self.gnabar = gnabar; self.gkbar = gkbar; self.gl = gl; self.el = el; self.ena = ena; self.ek = ek
        }
    }

    public static func add(count: Int, node: UnsafePointer<Int32>, v: UnsafePointer<Double>, parameters p: Parameters,
                           m: UnsafePointer<Double>, h: UnsafePointer<Double>, n: UnsafePointer<Double>,
                           rhs: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>) {
        var k = 0
        while k + 4 <= count {
            let i0 = Int(node[k]), i1 = Int(node[k + 1]), i2 = Int(node[k + 2]), i3 = Int(node[k + 3])
            let vk = SIMD4<Double>(v[i0], v[i1], v[i2], v[i3])
            let mk = load4(m + k), hk = load4(h + k), nk = load4(n + k)
            let gna = load4(p.gnabar + k) * mk * mk * mk * hk, gk = load4(p.gkbar + k) * nk * nk * nk * nk
            let gl = load4(p.gl + k)
            let current = gna * (vk - load4(p.ena + k)) + gk * (vk - load4(p.ek + k)) + gl * (vk - load4(p.el + k))
            let conductance = gna + gk + gl
            rhs[i0] -= current[0]; rhs[i1] -= current[1]; rhs[i2] -= current[2]; rhs[i3] -= current[3]
            d[i0] += conductance[0]; d[i1] += conductance[1]; d[i2] += conductance[2]; d[i3] += conductance[3]
            k += 4
        }
        while k < count {  // the last one to three, one at a time (the same expression)
            let i = Int(node[k])
            let gna = p.gnabar[k] * m[k] * m[k] * m[k] * h[k], gk = p.gkbar[k] * n[k] * n[k] * n[k] * n[k]
            rhs[i] -= gna * (v[i] - p.ena[k]) + gk * (v[i] - p.ek[k]) + p.gl[k] * (v[i] - p.el[k])
            d[i] += gna + gk + p.gl[k]
            k += 1
        }
    }
}
