import NDModel

/// How nd-allocate distributes cells over the (rank, cycle) buckets.
public enum AllocationAlgorithm: String, CaseIterable, Sendable {
    /// neurodamus's `DryRunStats.distribute_cells`, exactly.
    case neurodamus
    /// Longest processing time first: each cell, largest first, to the least-loaded bucket.
    case lpt
    /// lpt, then moves and swaps between the fullest bucket and the others.
    case refine
}

public enum Allocators {
    /// neurodamus's greedy: per population (a fresh heap each), metypes by memory per cell
    /// (metype memory + 1.9 KiB × mean synapses), largest first, equal ones in file
    /// order; their cells in order, in batches of `max(1, ceil(cells / (R·C) / 10))` that
    /// run across metype boundaries; each batch to the least-loaded bucket.
    ///
    /// Heap keys are positions in (rank, cycle) order, so equal loads go to the lowest
    /// (rank, cycle) first, as in neurodamus's heap; the grid turns a key into its bucket.
    public static func neurodamus(_ p: AllocationProblem, ranks: Int, cycles: Int) -> Allocation {
        let grid = BucketGrid(ranks: ranks, cycles: cycles)
        var perMetype: [(metype: String, kib: Double)] = p.metypeMemoryKiB.map {
            ($0.metype, $0.kib + (p.metypeSynapseAverage[$0.metype] ?? 0) * AllocationProblem.neurodamusSynapseKiB)
        }
        // Python's sorted(reverse=True) is stable: equal values keep the file order.
        perMetype = perMetype.enumerated().sorted { $0.element.kib > $1.element.kib || ($0.element.kib == $1.element.kib && $0.offset < $1.offset) }.map(\.element)
        let metypeIndex = Dictionary(uniqueKeysWithValues: p.cells.metypes.enumerated().map { ($1, $0) })
        // Cells per population and metype, in input order: a counting sort on
        // (population, metype) instead of millions of appends to nested arrays.
        let cells = p.cells
        let metypeCount = cells.metypes.count
        var start = [Int](repeating: 0, count: cells.populations.count * metypeCount + 1)
        for i in 0..<cells.count { start[Int(cells.population[i]) * metypeCount + Int(cells.metype[i]) + 1] += 1 }
        for g in 1..<start.count { start[g] += start[g - 1] }
        var grouped = [Int](repeating: 0, count: cells.count)
        var next = start
        for i in 0..<cells.count {
            let g = Int(cells.population[i]) * metypeCount + Int(cells.metype[i])
            grouped[next[g]] = i
            next[g] += 1
        }
        var buckets = [[Int]](repeating: [], count: grid.count)
        for population in 0..<cells.populations.count {
            let total = start[(population + 1) * metypeCount] - start[population * metypeCount]
            let batchSize = max(1, Int((Double(total) / Double(grid.count) / 10).rounded(.up)))
            var heap = LeastLoadedHeap<Double>(buckets: grid.count)
            // The population's cells in metype order; batches are runs of it.
            var sequence: [Int] = []
            sequence.reserveCapacity(total)
            var memory: [Double] = []
            memory.reserveCapacity(total)
            for (metype, kib) in perMetype {
                guard let m = metypeIndex[metype] else { continue }
                let g = population * metypeCount + m
                sequence.append(contentsOf: grouped[start[g]..<start[g + 1]])
                memory.append(contentsOf: repeatElement(kib, count: start[g + 1] - start[g]))
            }
            for from in stride(from: 0, to: sequence.count, by: batchSize) {
                let to = min(from + batchSize, sequence.count)
                var batchMemory = 0.0
                for k in from..<to { batchMemory += memory[k] }
                let key = heap.addToLeastLoaded(batchMemory)
                buckets[grid.index(rankMajor: key)].append(contentsOf: sequence[from..<to])
            }
        }
        return Allocation(grid: grid, cells: p.cells, kib: p.kib, buckets: buckets)
    }

    /// Each cell, largest first (ties in input order), to the least-loaded bucket; all
    /// populations together, or each with a fresh heap (`perPopulation`).
    public static func lpt(_ p: AllocationProblem, ranks: Int, cycles: Int, perPopulation: Bool = false) -> Allocation {
        let grid = BucketGrid(ranks: ranks, cycles: cycles)
        var buckets = [[Int]](repeating: [], count: grid.count)
        var groups: [[Int]]
        if perPopulation {
            groups = Array(repeating: [], count: p.cells.populations.count)
            for i in 0..<p.cells.count { groups[Int(p.cells.population[i])].append(i) }
        } else {
            groups = [Array(0..<p.cells.count)]
        }
        let kib = p.kib
        for group in groups {
            let (order, memory) = largestFirst(group, kib)
            var heap = LeastLoadedHeap<Double>(buckets: grid.count)
            // Each cell's bucket first, then the buckets filled at their final sizes (in
            // assignment order): ten million appends to four thousand growing arrays cost
            // more than the heap.
            var chosen = [Int32](repeating: 0, count: order.count)
            var sizes = [Int](repeating: 0, count: buckets.count)
            for (n, m) in memory.enumerated() {
                let b = grid.index(rankMajor: heap.addToLeastLoaded(m))
                chosen[n] = Int32(b)
                sizes[b] += 1
            }
            for b in buckets.indices { buckets[b].reserveCapacity(buckets[b].count + sizes[b]) }
            for (n, i) in order.enumerated() { buckets[Int(chosen[n])].append(i) }
        }
        return Allocation(grid: grid, cells: p.cells, kib: p.kib, buckets: buckets)
    }

    /// lpt, then repeatedly the best move (one cell) or swap (two cells) between the fullest
    /// bucket and any other that lowers the larger of the two by more than 0.1 ppm, until
    /// the fullest is within `refineTolerance` of the lower bound, none does, or the time
    /// budget is spent.
    public static func refine(_ p: AllocationProblem, ranks: Int, cycles: Int, perPopulation: Bool = false,
                              timeBudgetSeconds: Double = 5, clock: () -> Double) -> Allocation {
        let initial = lpt(p, ranks: ranks, cycles: cycles, perPopulation: perPopulation)
        let start = initial.buckets
        let kibOf = p.kib
        // Done when the fullest bucket is within `refineTolerance` of the bound no
        // allocation can beat: with thousands of cells per bucket lpt gets there by
        // itself, and the pass costs nothing.
        let bound = max(kibOf.reduce(0, +) / Double(max(start.count, 1)), kibOf.max() ?? 0)
        let reached = { (load: Double) in load <= bound * (1 + refineTolerance) }
        if reached(start.map { $0.reduce(0) { $0 + kibOf[$1] } }.max() ?? 0) {
            return initial
        }
        // Per bucket: cells sorted by memory (with their index, for ties).
        var members: [[(kib: Double, cell: Int)]] = start.map { b in b.map { (kibOf[$0], $0) }.sorted { $0.kib < $1.kib || ($0.kib == $1.kib && $0.cell < $1.cell) } }
        var load = members.map { $0.reduce(0) { $0 + $1.kib } }
        // Where each cell is now, and the cells that came into each bucket.
        var owner = [Int32](repeating: 0, count: p.cells.count)
        for (b, cells) in start.enumerated() { for c in cells { owner[c] = Int32(b) } }
        var arrived = [[Int]](repeating: [], count: start.count)
        let initialOwner = owner
        let began = clock()
        var iterations = 0
        func insert(_ x: (kib: Double, cell: Int), into b: Int) {
            let at = members[b].firstIndex { $0.kib > x.kib || ($0.kib == x.kib && $0.cell > x.cell) } ?? members[b].count
            members[b].insert(x, at: at)
            owner[x.cell] = Int32(b)
            arrived[b].append(x.cell)
        }
        func closest(_ list: [(kib: Double, cell: Int)], to target: Double, below limit: Double) -> Int? {
            // Largest-index search for the value nearest `target` among those < limit.
            var lo = 0, hi = list.count
            while lo < hi { let mid = (lo + hi) / 2; if list[mid].kib < target { lo = mid + 1 } else { hi = mid } }
            var best: Int? = nil
            for k in [lo - 1, lo] where k >= 0 && k < list.count && list[k].kib > 0 && list[k].kib < limit {
                if best == nil || abs(list[k].kib - target) < abs(list[best!].kib - target) { best = k }
            }
            return best
        }
        while iterations < 200 * max(1, load.count) {
            iterations += 1
            if clock() - began > timeBudgetSeconds { break }
            guard let hiB = load.indices.max(by: { load[$0] < load[$1] || (load[$0] == load[$1] && $0 > $1) }) else { break }
            if reached(load[hiB]) { break }
            // The best move or swap between the fullest bucket and any other: the one that
            // lowers the larger of the two the most (the other must stay below the old max).
            // Gains under 0.1 ppm of the fullest bucket are below any estimate's precision
            // and not worth another look at the cells.
            var bestGain = 1e-7 * max(load[hiB], 1)
            var action: (other: Int, move: Int?, swap: (Int, Int)?)? = nil
            // Swaps (which look at every cell of the other bucket) only with the emptiest
            // few buckets, so that an iteration costs no more than a few buckets' cells.
            let swapPartners = Set(emptiest(load, count: 16))
            for o in load.indices where o != hiB {
                let diff = load[hiB] - load[o]
                if diff <= bestGain { continue }
                if let k = closest(members[hiB], to: diff / 2, below: diff) {
                    let x = members[hiB][k].kib
                    let gain = load[hiB] - max(load[hiB] - x, load[o] + x)
                    if gain > bestGain { bestGain = gain; action = (o, k, nil) }
                }
                if !swapPartners.contains(o) { continue }
                for (j, b) in members[o].enumerated() {
                    if let k = closest(members[hiB], to: b.kib + diff / 2, below: b.kib + diff), members[hiB][k].kib > b.kib {
                        let d = members[hiB][k].kib - b.kib
                        let gain = load[hiB] - max(load[hiB] - d, load[o] + d)
                        if gain > bestGain { bestGain = gain; action = (o, nil, (k, j)) }
                    }
                }
            }
            guard let act = action else { break }
            let loB = act.other
            if let k = act.move {
                let x = members[hiB].remove(at: k)
                load[hiB] -= x.kib; load[loB] += x.kib
                insert(x, into: loB)
            } else if let (k, j) = act.swap {
                let a = members[hiB].remove(at: k), b = members[loB].remove(at: j)
                load[hiB] += b.kib - a.kib; load[loB] += a.kib - b.kib
                insert(a, into: loB); insert(b, into: hiB)
            }
        }
        // Cells keep lpt's order inside each bucket, moved ones last (by index).
        let buckets: [[Int]] = start.enumerated().map { b, cells in
            if arrived[b].isEmpty && cells.allSatisfy({ owner[$0] == Int32(b) }) { return cells }
            let kept = cells.filter { owner[$0] == Int32(b) }
            let moved = Set(arrived[b].filter { owner[$0] == Int32(b) && initialOwner[$0] != Int32(b) }).sorted()
            return kept + moved
        }
        var refined = initial
        refined.buckets = buckets
        return refined
    }

    /// How close to the lower bound refine brings the fullest bucket: 0.01%, far below
    /// the precision of any memory estimate.
    public static let refineTolerance = 1e-4

    /// Indices of the `count` smallest loads.
    static func emptiest(_ load: [Double], count: Int) -> [Int] {
        var chosen: [Int] = []
        for i in load.indices {
            if chosen.count < count {
                chosen.append(i)
            } else if let worst = chosen.indices.max(by: { load[chosen[$0]] < load[chosen[$1]] }), load[i] < load[chosen[worst]] {
                chosen[worst] = i
            }
        }
        return chosen
    }

    /// `cells` (in increasing index order) by memory, largest first, ties in index order,
    /// with their memories in that order (read in sequence by the caller, where looking
    /// each up in `kib` would be a cache miss per cell).
    /// For memories >= 0 the bit patterns order as the numbers, so the sort is a stable
    /// radix sort of the complemented patterns (ascending, so largest first): eight passes
    /// of one byte at most, the passes where every key has the same byte skipped.
    static func largestFirst(_ cells: [Int], _ kib: [Double]) -> (cells: [Int], kib: [Double]) {
        guard cells.allSatisfy({ kib[$0] >= 0 }) else {
            let order = kib.withUnsafeBufferPointer { k in cells.sorted { k[$0] > k[$1] || (k[$0] == k[$1] && $0 < $1) } }
            return (order, order.map { kib[$0] })
        }
        let n = cells.count
        var keys = cells.map { ~(kib[$0] + 0.0).bitPattern }  // + 0.0: -0.0 becomes 0.0
        var order = cells
        // All eight histograms in one pass: counts[256 * d + byte].
        var counts = [Int](repeating: 0, count: 8 * 256)
        counts.withUnsafeMutableBufferPointer { counts in
            for key in keys { for d in 0..<8 { counts[256 * d + Int((key >> (8 * UInt64(d))) & 0xFF)] += 1 } }
        }
        var keysOut = keys, orderOut = order
        for d in 0..<8 where !counts[(256 * d)..<(256 * d + 256)].contains(n) {
            var offset = 0
            var start = counts[(256 * d)..<(256 * d + 256)].map { c -> Int in defer { offset += c }; return offset }
            let shift = 8 * UInt64(d)
            keys.withUnsafeBufferPointer { keysIn in order.withUnsafeBufferPointer { orderIn in
                keysOut.withUnsafeMutableBufferPointer { keysOut in orderOut.withUnsafeMutableBufferPointer { orderOut in
                    for k in 0..<n {
                        let key = keysIn[k], digit = Int((key >> shift) & 0xFF)
                        keysOut[start[digit]] = key
                        orderOut[start[digit]] = orderIn[k]
                        start[digit] += 1
                    }
                } }
            } }
            swap(&keys, &keysOut)
            swap(&order, &orderOut)
        }
        return (order, keys.map { Double(bitPattern: ~$0) })
    }
}
