import NDModel

/// A model group as its three files: `E_1.dat` (network: spike sources and connections),
/// `E_2.dat` (cells, compartments, mechanisms, synapses, stimuli: the bulk), `E_3.dat`
/// (gap junctions: none yet, an empty section).
extension ModelGroup {
    /// Kinds of the three files.
    public static let networkKind: UInt32 = 1, cellsKind: UInt32 = 2, gapJunctionKind: UInt32 = 3

    public func networkFile() -> ModelFile {
        var sources = ByteWriter()
        sources.u64(UInt64(cells.count))
        sources.i64s(cells.gid)
        sources.f64s(cells.thresholdMV)
        var connections = ByteWriter()
        connections.u64(UInt64(netCons.count))
        connections.i64s(netCons.sourceGid)
        connections.i32s(netCons.target)
        connections.f64s(netCons.weightUS)
        connections.f64s(netCons.delayMs)
        var replayed = ByteWriter()
        replayed.u64(UInt64(replay.gid.count))
        replayed.i64s(replay.gid)
        replayed.f64s(replay.timeMs)
        return ModelFile(kind: Self.networkKind, entry: entry,
                         sections: [("sources", sources.data), ("netcons", connections.data), ("replay", replayed.data)])
    }

    public func cellsFile() -> ModelFile {
        func table(_ rows: Int, _ body: (inout ByteWriter) -> Void) -> [UInt8] {
            var w = ByteWriter()
            w.u64(UInt64(rows))
            body(&w)
            return w.data
        }
        return ModelFile(kind: Self.cellsKind, entry: entry, sections: [
            ("cells", table(cells.count) { $0.i64s(cells.gid); $0.i32s(cells.firstNode); $0.i32s(cells.nodeCount); $0.i32s(cells.somaNode) }),
            ("nodes", table(nodes.count) { $0.i32s(nodes.parent); $0.f64s(nodes.areaUm2); $0.f64s(nodes.cmUFPerCm2); $0.f64s(nodes.rInvPerMOhm) }),
            ("pas", table(pas.node.count) { $0.i32s(pas.node); $0.f64s(pas.g); $0.f64s(pas.e) }),
            ("hh", table(hh.node.count) { $0.i32s(hh.node); $0.f64s(hh.gnabar); $0.f64s(hh.gkbar); $0.f64s(hh.gl); $0.f64s(hh.el) }),
            ("expsyn", table(expSyn.node.count) { $0.i32s(expSyn.node); $0.f64s(expSyn.tauMs); $0.f64s(expSyn.eMV) }),
            ("exp2syn", table(exp2Syn.node.count) { $0.i32s(exp2Syn.node); $0.f64s(exp2Syn.tau1Ms); $0.f64s(exp2Syn.tau2Ms); $0.f64s(exp2Syn.eMV) }),
            ("iclamp", table(iClamp.node.count) {
                $0.i32s(iClamp.node); $0.f64s(iClamp.delayMs); $0.f64s(iClamp.durationMs); $0.f64s(iClamp.ampStartNA)
                $0.f64s(iClamp.ampEndNA); $0.f64s(iClamp.widthMs); $0.f64s(iClamp.periodMs)
            }),
        ])
    }

    public func gapJunctionFile() -> ModelFile {
        var w = ByteWriter()
        w.u64(0)
        return ModelFile(kind: Self.gapJunctionKind, entry: entry, sections: [("gapjunc", w.data)])
    }

    /// Reads a group back from its three files' bytes; `names` are the file paths for errors.
    public init(network: [UInt8], cells cellBytes: [UInt8], gapJunctions: [UInt8], names: [String]) throws {
        let net = try ModelFile(decoding: network, name: names[0], expectedKind: Self.networkKind)
        let body = try ModelFile(decoding: cellBytes, name: names[1], expectedKind: Self.cellsKind)
        let gaps = try ModelFile(decoding: gapJunctions, name: names[2], expectedKind: Self.gapJunctionKind)
        guard net.entry == body.entry, body.entry == gaps.entry else {
            throw NDError(file: names[1], "entry ids differ between the group's files (\(net.entry), \(body.entry), \(gaps.entry))")
        }
        self.init(entry: body.entry)

        func table<T>(_ file: ModelFile, _ tag: String, _ name: String, rowBytes: Int,
                      _ body: (inout ByteReader, Int) throws -> T) throws -> T {
            let payload = try file.section(tag, name: name)
            var r = ByteReader(payload, name: name)
            let rows = Int(try r.u64("section '\(tag)' rows"))
            guard rows >= 0, payload.count == 8 + rows * rowBytes else {
                throw NDError(file: name, "section '\(tag)': \(payload.count) bytes for \(rows) rows of \(rowBytes) bytes (corrupt)")
            }
            return try body(&r, rows)
        }
        let n1 = names[1]
        try table(body, "cells", n1, rowBytes: 20) { r, n in
            cells.gid = try r.i64s(n, "gid"); cells.firstNode = try r.i32s(n, "first node")
            cells.nodeCount = try r.i32s(n, "node count"); cells.somaNode = try r.i32s(n, "soma node")
        }
        try table(body, "nodes", n1, rowBytes: 28) { r, n in
            nodes.parent = try r.i32s(n, "parent"); nodes.areaUm2 = try r.f64s(n, "area")
            nodes.cmUFPerCm2 = try r.f64s(n, "cm"); nodes.rInvPerMOhm = try r.f64s(n, "1/ri")
        }
        try table(body, "pas", n1, rowBytes: 20) { r, n in
            pas.node = try r.i32s(n, "node"); pas.g = try r.f64s(n, "g"); pas.e = try r.f64s(n, "e")
        }
        try table(body, "hh", n1, rowBytes: 36) { r, n in
            hh.node = try r.i32s(n, "node"); hh.gnabar = try r.f64s(n, "gnabar"); hh.gkbar = try r.f64s(n, "gkbar")
            hh.gl = try r.f64s(n, "gl"); hh.el = try r.f64s(n, "el")
        }
        try table(body, "expsyn", n1, rowBytes: 20) { r, n in
            expSyn.node = try r.i32s(n, "node"); expSyn.tauMs = try r.f64s(n, "tau"); expSyn.eMV = try r.f64s(n, "e")
        }
        try table(body, "exp2syn", n1, rowBytes: 28) { r, n in
            exp2Syn.node = try r.i32s(n, "node"); exp2Syn.tau1Ms = try r.f64s(n, "tau1"); exp2Syn.tau2Ms = try r.f64s(n, "tau2")
            exp2Syn.eMV = try r.f64s(n, "e")
        }
        try table(body, "iclamp", n1, rowBytes: 52) { r, n in
            iClamp.node = try r.i32s(n, "node"); iClamp.delayMs = try r.f64s(n, "delay"); iClamp.durationMs = try r.f64s(n, "duration")
            iClamp.ampStartNA = try r.f64s(n, "amp start"); iClamp.ampEndNA = try r.f64s(n, "amp end")
            iClamp.widthMs = try r.f64s(n, "width"); iClamp.periodMs = try r.f64s(n, "period")
        }
        let n0 = names[0]
        var sourceGids: [Int64] = []
        try table(net, "sources", n0, rowBytes: 16) { r, n in
            sourceGids = try r.i64s(n, "gid"); cells.thresholdMV = try r.f64s(n, "threshold")
        }
        guard sourceGids == cells.gid else {
            throw NDError(file: n0, "spike sources do not match the cells of \(n1)")
        }
        try table(net, "netcons", n0, rowBytes: 28) { r, n in
            netCons.sourceGid = try r.i64s(n, "source gid"); netCons.target = try r.i32s(n, "target")
            netCons.weightUS = try r.f64s(n, "weight"); netCons.delayMs = try r.f64s(n, "delay")
        }
        try table(net, "replay", n0, rowBytes: 16) { r, n in
            replay.gid = try r.i64s(n, "gid"); replay.timeMs = try r.f64s(n, "time")
        }
        try validate(names: names)
    }

    /// Index checks, so that the engine never reads outside its arrays.
    public func validate(names: [String]) throws {
        let n = nodes.count
        func check(_ ok: Bool, _ file: String, _ message: @autoclosure () -> String) throws {
            if !ok { throw NDError(file: file, message()) }
        }
        for i in 0..<n {
            let p = Int(nodes.parent[i])
            try check(p >= -1 && p < i, names[1], "node \(i): parent \(p) must come before it")
        }
        for c in 0..<cells.count {
            let first = Int(cells.firstNode[c]), count = Int(cells.nodeCount[c]), soma = Int(cells.somaNode[c])
            try check(first >= 0 && count > 0 && first + count <= n && soma >= first && soma < first + count,
                      names[1], "cell \(cells.gid[c]): node range \(first)+\(count) or soma \(soma) outside the \(n) nodes")
        }
        for (tag, list) in [("pas", pas.node), ("hh", hh.node), ("expsyn", expSyn.node), ("exp2syn", exp2Syn.node), ("iclamp", iClamp.node)] {
            for x in list { try check(x >= 0 && Int(x) < n, names[1], "section '\(tag)': node \(x) outside the \(n) nodes") }
        }
        for t in netCons.target {
            try check(t >= 0 && Int(t) < synapseCount, names[0], "netcon target \(t) outside the \(synapseCount) synapses")
        }
        for d in netCons.delayMs { try check(d > 0 && d.isFinite, names[0], "netcon delay \(d) ms: expected > 0") }
        for k in exp2Syn.node.indices {
            try check(exp2Syn.tau1Ms[k] > 0 && exp2Syn.tau1Ms[k] < exp2Syn.tau2Ms[k], names[1],
                      "exp2syn \(k): tau1 \(exp2Syn.tau1Ms[k]) must be > 0 and below tau2 \(exp2Syn.tau2Ms[k])")
        }
    }
}
