import NDModel

/// Phase 1 and phase 2 files as NEURON 9's `nrncore_write` writes them and CoreNEURON's
/// `Phase1`/`Phase2::read_file` read them.
extension CoreGroup {
    /// `E_1.dat`: spike sources' gids and connections' source gids.
    public func phase1() -> [UInt8] {
        var w = PhaseWriter()
        w.int(outputGids.count, "npresyn")
        w.int(netconSourceGids.count, "nnetcon")
        w.array(outputGids)
        w.array(netconSourceGids)
        return w.bytes
    }

    /// `E_2.dat`: nodes, mechanisms, spike sources, connections, pointers, played vectors.
    /// Its chkpnt markers go on from phase 1's.
    public func phase2() -> [UInt8] {
        var w = PhaseWriter(checkpoint: 2)
        w.int(realCellCount, "n_real_cell")
        w.int(outputCount, "ngid")
        w.int(realOutputCount, "n_real_gid")
        w.int(nodeCount, "nnode")
        w.int(diam == nil ? 0 : 1, "ndiam")
        w.int(mechanisms.count, "nmech")
        for m in mechanisms {
            w.int(m.type)
            w.int(m.count)
        }
        w.int(0, "nidata")
        w.int(vdataCount, "nvdata")
        w.int(weights.count, "nweight")
        w.array(parent)
        w.array(a)
        w.array(b)
        w.array(area)
        w.array(v)
        if let diam { w.array(diam) }
        for m in mechanisms {
            if let nodes = m.nodeIndices { w.array(nodes) }
            w.array(m.data)
            if !m.pdata.isEmpty {
                w.array(m.pdata)
                w.int(m.pointerTypes.count, "npointer")
                if !m.pointerTypes.isEmpty { w.array(m.pointerTypes) }
                w.int(m.random.count, "nmodlrandom")
                if !m.random.isEmpty { w.array(m.random) }
            }
        }
        w.array(outputNode)
        w.array(outputThreshold)
        w.array(netconTargetType)
        w.array(netconTargetIndex)
        w.array(weights)
        w.array(delays)
        w.int(corePointers.count, "bbcorepointer")
        for p in corePointers {
            w.int(p.type)
            w.int(p.ints.count)
            w.int(p.doubles.count)
            if !p.ints.isEmpty { w.array(p.ints) }
            if !p.doubles.isEmpty { w.array(p.doubles) }
        }
        w.int(vecPlays.count, "VecPlay instances")
        for p in vecPlays {
            w.int(p.playType)
            w.int(p.mechanismType)
            w.int(p.index)
            w.int(p.values.count)
            w.array(p.values)
            w.array(p.times)
        }
        return w.bytes
    }

    /// Reads a group from its two files' bytes; `catalog` is the dataset's
    /// bbcore_mech.dat, `names` the two paths (for errors). Checks every count against
    /// the file and every index against what it indexes.
    public init(id: Int, phase1: [UInt8], phase2: [UInt8], catalog: MechanismCatalog, names: (String, String)) throws {
        try self.init(id: id, phase1: ByteSource(phase1), phase2: ByteSource(phase2), catalog: catalog, names: names)
    }

    /// `take`, when given, sees each mechanism block as soon as it is read, with the group
    /// read so far (nodes, earlier blocks); it may empty the block's `data` once it has
    /// what it needs, so that a reader that converts as it goes never holds every
    /// block's variables at once.
    public init(id: Int, phase1: ByteSource, phase2: ByteSource, catalog: MechanismCatalog, names: (String, String),
                take: ((inout Mechanism, CoreGroup) throws -> Void)? = nil) throws {
        self.init(id: id)
        var r1 = try PhaseReader(phase1, name: names.0)
        let presyns = try r1.int("the number of presyns", label: "npresyn")
        let netcons = try r1.int("the number of netcons", label: "nnetcon")
        outputGids = try r1.ints(presyns, "the presyns' gids")
        netconSourceGids = try r1.ints(netcons, "the netcons' source gids")
        try r1.expectEnd()

        var r = try PhaseReader(phase2, name: names.1, checkpoint: r1.checkpoint)
        realCellCount = try r.int("n_real_cell", label: "n_real_cell")
        outputCount = try r.int("ngid", label: "ngid", range: 0...presyns)
        realOutputCount = try r.int("n_real_gid", label: "n_real_gid", range: 0...presyns)
        let nodes = try r.int("nnode", label: "nnode")
        guard realCellCount <= nodes else {
            throw NDError(.inconsistent, file: names.1, line: r.lineNumber, "\(realCellCount) cells but \(nodes) nodes (each cell has a root node)")
        }
        let diameters = try r.int("ndiam", label: "ndiam")
        let mechCount = try r.int("nmech", label: "nmech", range: 0...max(0, catalog.entries.count))
        var types: [(Int, Int)] = []
        var unknown: [Int] = []
        for i in 0..<mechCount {
            let type = try r.int("mechanism \(i)'s type")
            let count = try r.int("mechanism \(i)'s instance count")
            if catalog[type: type] == nil { unknown.append(type) }
            if types.contains(where: { $0.0 == type }) {
                throw NDError(.inconsistent, file: names.1, line: r.lineNumber, "mechanism type \(type) listed twice")
            }
            types.append((type, count))
        }
        guard unknown.isEmpty else {
            throw NDError(.inconsistent, file: names.1, "mechanism types \(unknown.map(String.init).joined(separator: ", ")) are not in the dataset's bbcore_mech.dat (\(catalog.entries.count + 1) types)")
        }
        let idata = try r.int("nidata", label: "nidata")
        guard idata == 0 else { throw NDError(.unsupported, file: names.1, line: r.lineNumber, "nidata \(idata), NEURON writes 0") }
        vdataCount = try r.int("nvdata", label: "nvdata")
        let weightCount = try r.int("nweight", label: "nweight")
        parent = try r.ints(nodes, "the parent indices")
        a = try r.doubles(nodes, "the nodes' a")
        b = try r.doubles(nodes, "the nodes' b")
        area = try r.doubles(nodes, "the nodes' areas")
        v = try r.doubles(nodes, "the nodes' voltages")
        if diameters > 0 { diam = try r.doubles(nodes, "the nodes' diameters") }
        for (type, count) in types {
            let e = catalog[type: type]!
            let what = "\(e.name) (type \(type))"
            let indices = e.isArtificial ? nil : try r.ints(count, "\(what)'s node indices")
            guard count == 0 || e.dataSize <= Int(Int32.max) / count, e.pdataSize == 0 || count <= Int(Int32.max) / e.pdataSize else {
                throw NDError(.outOfRange, file: names.1, "\(what): \(count) instances overflow the data size")
            }
            let data = try r.doubles(count * e.dataSize, "\(what)'s data")
            var m = Mechanism(type: type, count: count, nodeIndices: indices, data: data, pdata: [])
            if e.pdataSize > 0 {
                m.pdata = try r.ints(count * e.pdataSize, "\(what)'s pdata")
                let pointers = try r.int("\(what)'s npointer", label: "npointer")
                if pointers > 0 { m.pointerTypes = try r.ints(pointers, "\(what)'s pointer types") }
                let randoms = try r.int("\(what)'s nmodlrandom", label: "nmodlrandom")
                if randoms > 0 { m.random = try r.array(UInt32.self, randoms, "\(what)'s random streams") }
            }
            // Checked here, not only in validate(): `take` indexes the nodes with them.
            if let indices, let bad = indices.first(where: { $0 < 0 || Int($0) >= nodes }) {
                throw NDError(.outOfRange, file: names.1, "\(e.name): node index \(bad) outside the \(nodes) nodes")
            }
            try take?(&m, self)
            mechanisms.append(m)
        }
        outputNode = try r.ints(presyns, "the presyns' nodes (output_vindex)")
        outputThreshold = try r.doubles(realOutputCount, "the spike thresholds")
        netconTargetType = try r.ints(netcons, "the netcons' target types")
        netconTargetIndex = try r.ints(netcons, "the netcons' target instances")
        weights = try r.doubles(weightCount, "the netcons' weights")
        delays = try r.doubles(netcons, "the netcons' delays")
        let pointers = try r.int("the bbcorepointer count", label: "bbcorepointer", range: 0...mechCount)
        for i in 0..<pointers {
            let type = try r.int("bbcorepointer \(i)'s type")
            guard types.contains(where: { $0.0 == type }) else {
                throw NDError(.inconsistent, file: names.1, line: r.lineNumber, "bbcorepointer data for mechanism type \(type), which this group does not hold")
            }
            let ni = try r.int("bbcorepointer \(i)'s integer count")
            let nd = try r.int("bbcorepointer \(i)'s double count")
            let ints = ni > 0 ? try r.ints(ni, "bbcorepointer \(i)'s integers") : []
            let doubles = nd > 0 ? try r.doubles(nd, "bbcorepointer \(i)'s doubles") : []
            corePointers.append(CorePointer(type: type, ints: ints, doubles: doubles))
        }
        let plays = try r.int("the VecPlay count", label: "VecPlay instances")
        for i in 0..<plays {
            let playType = try r.int("VecPlay \(i)'s kind")
            let mtype = try r.int("VecPlay \(i)'s mechanism type")
            let index = try r.int("VecPlay \(i)'s variable index")
            let n = try r.int("VecPlay \(i)'s length")
            let values = try r.doubles(n, "VecPlay \(i)'s values")
            let times = try r.doubles(n, "VecPlay \(i)'s times")
            vecPlays.append(VecPlay(playType: playType, mechanismType: mtype, index: index, values: values, times: times))
        }
        if !r.atEnd {
            throw NDError(.unsupported, file: names.1, line: r.lineNumber + 1, "data after the VecPlay block (a checkpoint restore, which nd-core does not read)")
        }
        try validate(catalog: catalog, names: names)
    }

    /// Index and count checks that need no mechanism semantics.
    public func validate(catalog: MechanismCatalog, names: (String, String)) throws {
        let n = nodeCount
        func fail(_ kind: NDError.Kind, _ file: String, _ message: String) -> NDError { NDError(kind, file: file, message) }
        guard a.count == n, b.count == n, area.count == n, v.count == n, diam.map({ $0.count == n }) ?? true else {
            throw fail(.inconsistent, names.1, "node arrays of different lengths")
        }
        for i in 0..<n {
            let p = Int(parent[i])
            // The first realCellCount nodes are the cells' roots, whose parent entries
            // CoreNEURON never reads (NEURON writes 0).
            if i >= realCellCount {
                guard p >= 0 && p < i else { throw fail(.inconsistent, names.1, "node \(i): parent \(p) must be a node before it") }
            }
        }
        for i in 0..<n where !(area[i].isFinite && area[i] > 0 && a[i].isFinite && b[i].isFinite && v[i].isFinite) {
            throw fail(.outOfRange, names.1, "node \(i): area \(area[i]), a \(a[i]), b \(b[i]), v \(v[i]): expected finite values and a positive area")
        }
        var instances: [Int: Int] = [:]
        for m in mechanisms {
            guard let e = catalog[type: m.type] else { throw fail(.inconsistent, names.1, "mechanism type \(m.type) is not in bbcore_mech.dat") }
            guard m.count > 0 else { throw fail(.inconsistent, names.1, "\(e.name): listed with no instances") }
            // (A block whose variables a converting reader already took holds none.)
            guard m.data.count == m.count * e.dataSize || m.data.isEmpty, m.pdata.count == m.count * e.pdataSize,
                  (m.nodeIndices == nil) == e.isArtificial, m.nodeIndices.map({ $0.count == m.count }) ?? true
            else { throw fail(.inconsistent, names.1, "\(e.name): array sizes do not match \(m.count) instances") }
            if let nodes = m.nodeIndices, let bad = nodes.first(where: { $0 < 0 || Int($0) >= n }) {
                throw fail(.outOfRange, names.1, "\(e.name): node index \(bad) outside the \(n) nodes")
            }
            instances[m.type] = m.count
        }
        guard outputGids.count == outputNode.count else { throw fail(.inconsistent, names.1, "\(outputNode.count) presyn nodes for \(outputGids.count) presyns in \(names.0)") }
        for (i, x) in outputNode.enumerated() {
            if i < realOutputCount {
                guard x >= -1 && Int(x) < n else { throw fail(.outOfRange, names.1, "presyn \(i): node \(x) outside the \(n) nodes") }
            } else if x >= 0 {
                guard Int(x) < n else { throw fail(.outOfRange, names.1, "presyn \(i): node \(x) outside the \(n) nodes") }
            } else {
                let code = -Int(x), type = code % 1000, index = code / 1000
                guard let count = instances[type], index < count else {
                    throw fail(.inconsistent, names.1, "presyn \(i): artificial cell \(index) of type \(type), which this group does not hold")
                }
            }
        }
        guard netconTargetType.count == netconSourceGids.count, netconTargetIndex.count == netconSourceGids.count,
              delays.count == netconSourceGids.count
        else { throw fail(.inconsistent, names.1, "netcon arrays do not match the \(netconSourceGids.count) netcons of \(names.0)") }
        for k in netconTargetType.indices {
            let type = Int(netconTargetType[k]), index = Int(netconTargetIndex[k])
            if type == 0 { continue }
            guard let count = instances[type], index >= 0, index < count else {
                throw fail(.outOfRange, names.1, "netcon \(k): target \(index) of mechanism type \(type) outside what this group holds")
            }
            guard delays[k].isFinite, delays[k] >= 0 else { throw fail(.outOfRange, names.1, "netcon \(k): delay \(delays[k]) ms, expected >= 0") }
        }
        for p in vecPlays {
            guard let count = instances[p.mechanismType], let e = catalog[type: p.mechanismType],
                  p.index >= 0, p.index < count * e.dataSize
            else { throw fail(.outOfRange, names.1, "VecPlay into mechanism type \(p.mechanismType), variable \(p.index): outside what this group holds") }
        }
    }
}
