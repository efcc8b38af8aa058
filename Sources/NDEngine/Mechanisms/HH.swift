#if canImport(Glibc)
import Glibc
#endif
import NDModel
import NDVectorKernels

/// Hodgkin–Huxley channels (NEURON's hh.mod as built for CoreNEURON, its rate GLOBALs
/// made RANGE): sodium, potassium and leak; ena and ek read from na_ion and k_ion.
public enum HH: Mechanism {
    public static let layout = MechanismLayout(name: "hh", kind: .density, variables: [
        "gnabar", "gkbar", "gl", "el", "gna", "gk", "il", "minf", "hinf", "ninf", "mtau", "htau", "ntau",
        "m", "h", "n", "Dm", "Dh", "Dn", "ena", "ek", "ina", "ik", "v", "_g",
    ], pdata: [.ion("na", variable: 0), .ion("na", variable: 3), .ion("na", variable: 4),
               .ion("k", variable: 0), .ion("k", variable: 3), .ion("k", variable: 4)])

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let h = model.hh, v = e.vInitMV
        // The ion instances at hh instance k's node (ions are written at hh's nodes).
        let na = e.position(of: NaIon.layout.name), kIons = e.position(of: KIon.layout.name)
        let width = Int32(NaIon.layout.variables.count)
        try e.add(layout, count: h.node.count, nodes: h.node, row: { k in
            var row = [Double](repeating: 0, count: layout.variables.count)
            row[0] = h.gnabar[k]; row[1] = h.gkbar[k]; row[2] = h.gl[k]; row[3] = h.el[k]
            row[layout.column("ena")] = h.ena[k]; row[layout.column("ek")] = h.ek[k]; row[layout.column("v")] = v
            return row
        }, pdata: { k, slot in
            guard case .ion(let ion, let variable) = slot else { return -1 }
            return (ion == "na" ? na[k] : kIons[k]) * width + Int32(variable)
        })
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        model.hh.node.reserveCapacity(model.hh.node.count + block.count)
        model.hh.gnabar.reserveCapacity(model.hh.gnabar.count + block.count)
        model.hh.gkbar.reserveCapacity(model.hh.gkbar.count + block.count)
        model.hh.gl.reserveCapacity(model.hh.gl.count + block.count)
        model.hh.el.reserveCapacity(model.hh.el.count + block.count)
        model.hh.ena.reserveCapacity(model.hh.ena.count + block.count)
        model.hh.ek.reserveCapacity(model.hh.ek.count + block.count)
        let n = layout.variables.count
        for k in 0..<block.count {
            let row = block.data, base = k * n
            model.hh.node.append(block.nodeIndices![k])
            model.hh.gnabar.append(row[base + 0]); model.hh.gkbar.append(row[base + 1])
            model.hh.gl.append(row[base + 2]); model.hh.el.append(row[base + 3])
            model.hh.ena.append(try d.ionValue(block, layout: layout, instance: k, slot: 0))
            model.hh.ek.append(try d.ionValue(block, layout: layout, instance: k, slot: 3))
        }
    }
}

extension HH: KernelMechanism {
    public static func nodes(of model: ModelGroup) -> [Int32] { model.hh.node }
    public static func release(_ model: inout ModelGroup) { model.hh = .init() }
    /// Node index; gnabar, gkbar, gl, el, ena, ek, m, h, n.
    public static let engineBytesPerInstance = 4 + 9 * 8

    public static func kernel(_ c: KernelContext) -> (any MechanismKernel)? {
        let node = c.nodes { nodes(of: $0) }
        guard !node.isEmpty else { return nil }
        return Kernel(node: node, gnabar: c.gather { $0.hh.gnabar }, gkbar: c.gather { $0.hh.gkbar }, gl: c.gather { $0.hh.gl },
                      el: c.gather { $0.hh.el }, ena: c.gather { $0.hh.ena }, ek: c.gather { $0.hh.ek }, settings: c.settings)
    }

    final class Kernel: MechanismKernel {
        let node: [Int32], gnabar: [Double], gkbar: [Double], gl: [Double], el: [Double], ena: [Double], ek: [Double]
        var m: [Double], h: [Double], n: [Double]
        let dt: Double, q10: Double
        /// The vector loop adds four instances' currents at once: only when no node
        /// carries two instances (a dataset could say otherwise).
        let vectorCurrents: Bool
        /// hh.mod's rate tables (`TABLE ... FROM -100 TO 100 WITH 200`, used by default):
        /// minf, mtau, hinf, htau, ninf, ntau at every mV, interleaved, linearly interpolated.
        var table: [Double] = []

        init(node: [Int32], gnabar: [Double], gkbar: [Double], gl: [Double], el: [Double], ena: [Double], ek: [Double],
             settings: SimulationSettings) {
            self.node = node; self.gnabar = gnabar; self.gkbar = gkbar; self.gl = gl; self.el = el; self.ena = ena; self.ek = ek
            m = [Double](repeating: 0, count: node.count); h = m; n = m
            vectorCurrents = VectorSupport.exact && Set(node).count == node.count
            dt = settings.dtMs
            q10 = pow(3, (settings.celsius - 6.3) / 10)
            table = (0...200).flatMap { k -> [Double] in
                let r = exactRates(-100 + Double(k))
                return [r.minf, r.mtau, r.hinf, r.htau, r.ninf, r.ntau]
            }
            table += table.suffix(6)  // the row the vector loop reads beside the last (fraction 0)
        }
        var count: Int { node.count }

        func exactRates(_ v: Double) -> (minf: Double, mtau: Double, hinf: Double, htau: Double, ninf: Double, ntau: Double) {
            func vtrap(_ x: Double, _ y: Double) -> Double {
                abs(x / y) < 1e-6 ? y * (1 - x / y / 2) : x / (exp(x / y) - 1)
            }
            var alpha = 0.1 * vtrap(-(v + 40), 10)
            var beta = 4 * exp(-(v + 65) / 18)
            var sum = alpha + beta
            let mtau = 1 / (q10 * sum), minf = alpha / sum
            alpha = 0.07 * exp(-(v + 65) / 20)
            beta = 1 / (exp(-(v + 35) / 10) + 1)
            sum = alpha + beta
            let htau = 1 / (q10 * sum), hinf = alpha / sum
            alpha = 0.01 * vtrap(-(v + 55), 10)
            beta = 0.125 * exp(-(v + 65) / 80)
            sum = alpha + beta
            let ntau = 1 / (q10 * sum), ninf = alpha / sum
            return (minf, mtau, hinf, htau, ninf, ntau)
        }

        @inline(__always)
        static func interpolate(_ table: UnsafeBufferPointer<Double>, _ v: Double)
            -> (minf: Double, mtau: Double, hinf: Double, htau: Double, ninf: Double, ntau: Double)
        {
            let x = v + 100  // (v - tmin) * 200 / (tmax - tmin)
            if x.isNaN { return (.nan, .nan, .nan, .nan, .nan, .nan) }
            if x <= 0 { return (table[0], table[1], table[2], table[3], table[4], table[5]) }
            if x >= 200 { let o = 1200; return (table[o], table[o + 1], table[o + 2], table[o + 3], table[o + 4], table[o + 5]) }
            let i = Int(x)
            let f = x - Double(i)
            let o = 6 * i
            return (table[o] + f * (table[o + 6] - table[o]), table[o + 1] + f * (table[o + 7] - table[o + 1]),
                    table[o + 2] + f * (table[o + 8] - table[o + 2]), table[o + 3] + f * (table[o + 9] - table[o + 3]),
                    table[o + 4] + f * (table[o + 10] - table[o + 4]), table[o + 5] + f * (table[o + 11] - table[o + 5]))
        }

        func initialize(v: UnsafePointer<Double>) {
            table.withUnsafeBufferPointer { table in
                for k in node.indices {
                    let r = Kernel.interpolate(table, v[Int(node[k])])
                    m[k] = r.minf; h[k] = r.hinf; n[k] = r.ninf
                }
            }
        }

        func current(t: Double, v: UnsafePointer<Double>, rhs: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>) {
            node.withUnsafeBufferPointer { node in
            m.withUnsafeBufferPointer { mm in
            h.withUnsafeBufferPointer { hh in
            n.withUnsafeBufferPointer { nn in
            gnabar.withUnsafeBufferPointer { gnabar in
            gkbar.withUnsafeBufferPointer { gkbar in
            gl.withUnsafeBufferPointer { gl in
            el.withUnsafeBufferPointer { el in
            ena.withUnsafeBufferPointer { ena in
            ek.withUnsafeBufferPointer { ek in
                if vectorCurrents {
                    let p = HHCurrents.Parameters(gnabar: gnabar.baseAddress!, gkbar: gkbar.baseAddress!, gl: gl.baseAddress!,
                                                  el: el.baseAddress!, ena: ena.baseAddress!, ek: ek.baseAddress!)
                    HHCurrents.add(count: node.count, node: node.baseAddress!, v: v, parameters: p,
                                   m: mm.baseAddress!, h: hh.baseAddress!, n: nn.baseAddress!, rhs: rhs, d: d)
                    return
                }
                for k in 0..<node.count {
                    let i = Int(node[k])
                    let m = mm[k], h = hh[k], nk = nn[k]
                    let gna = gnabar[k] * m * m * m * h, gk = gkbar[k] * nk * nk * nk * nk
                    rhs[i] -= gna * (v[i] - ena[k]) + gk * (v[i] - ek[k]) + gl[k] * (v[i] - el[k])
                    d[i] += gna + gk + gl[k]
                }
            }}}}}}}}}}
        }

        func advance(v: UnsafePointer<Double>) {
            let dt = self.dt
            if VectorSupport.exact {
                VectorExp.table.withUnsafeBufferPointer { expTable in
                table.withUnsafeBufferPointer { table in
                node.withUnsafeBufferPointer { node in
                m.withUnsafeMutableBufferPointer { m in
                h.withUnsafeMutableBufferPointer { h in
                n.withUnsafeMutableBufferPointer { n in
                    HHGates.advance(count: node.count, node: node.baseAddress!, v: v, rates: table.baseAddress!,
                                    m: m.baseAddress!, h: h.baseAddress!, n: n.baseAddress!, dt: dt, expTable: expTable.baseAddress!)
                }}}}}}
                return
            }
            table.withUnsafeBufferPointer { table in
            node.withUnsafeBufferPointer { node in
            m.withUnsafeMutableBufferPointer { mBuffer in
            h.withUnsafeMutableBufferPointer { hBuffer in
            n.withUnsafeMutableBufferPointer { nBuffer in
                let m = mBuffer.baseAddress!, h = hBuffer.baseAddress!, nn = nBuffer.baseAddress!
                for k in 0..<node.count {
                    let r = Kernel.interpolate(table, v[Int(node[k])])
                    // cnexp exactly as nocmodl writes it for x' = (xinf - x)/xtau.
                    m[k] += (1 - exp(dt * (-1.0 / r.mtau))) * (-(r.minf / r.mtau) / (-1.0 / r.mtau) - m[k])
                    h[k] += (1 - exp(dt * (-1.0 / r.htau))) * (-(r.hinf / r.htau) / (-1.0 / r.htau) - h[k])
                    nn[k] += (1 - exp(dt * (-1.0 / r.ntau))) * (-(r.ninf / r.ntau) / (-1.0 / r.ntau) - nn[k])
                }
            }}}}}
        }
    }
}
