#if canImport(Glibc)
import Glibc
#endif
import NDEngine
import NDModel
import NDSonata

/// The synapse neurodamus 4.2.9 builds for an edge with stochastic-release columns
/// (its SynapseReader, connection.py and the AMPANMDA/GABAAB helpers): ProbAMPANMDA_EMS
/// or ProbGABAAB_EMS (`SynapseKind.release`); parameters from the edge's columns with
/// neurodamus's defaults; the connection's weight the edge's conductance [nS] (the mod
/// scales it by gmax; syn_weight is not read); the delay rounded down to the time step;
/// the release stream (gid + 251, synapse id + 100, source population id × 65536 +
/// target population id + synapse_seed + 300), where the synapse id is the edge's place
/// among its target's afferent edges of the population.
public struct NeurodamusSynapses {
    public var dtMs: Double
    public var synapseSeed: Int64
    public var randomSeed: UInt32
    public var randomizeGABARiseTime: Bool

    public init(dtMs: Double, synapseSeed: Int64 = 0, randomSeed: UInt32, randomizeGABARiseTime: Bool = false) {
        self.dtMs = dtMs; self.synapseSeed = synapseSeed; self.randomSeed = randomSeed; self.randomizeGABARiseTime = randomizeGABARiseTime
    }

    public init(_ simulation: SimulationConfig) {
        dtMs = simulation.run.dtMs
        synapseSeed = simulation.run.synapseSeed
        randomSeed = UInt32(truncatingIfNeeded: simulation.run.randomSeed)
        randomizeGABARiseTime = simulation.conditions.randomizeGABARiseTime
    }

    /// A delay as neurodamus rounds it: int32(delay / dt + 1e-5) × dt.
    public func delay(_ ms: Double) -> Double { Double(Int32(clamping: Int64((ms / dtMs + 1e-5).rounded(.towardZero)))) * dtMs }

    /// Appends the synapse of edge `k` of `b` at `node`; returns its kind and instance.
    func append(_ k: Int, of b: EdgeBlocks.Block, node: Int32, targetGid: Gid, synapseID: Int,
                populations: (source: UInt32, target: UInt32), to group: inout ModelGroup) -> (kind: SynapseKind, instance: Int32) {
        let base = populations.source &* 65536 &+ populations.target &+ UInt32(truncatingIfNeeded: synapseSeed)
        let id1 = UInt32(truncatingIfNeeded: targetGid.rawValue + 251), id2 = UInt32(truncatingIfNeeded: synapseID + 100)
        let stream = ModelGroup.RandomStreamIDs(id1: id1, id2: id2, id3: base &+ 300)
        let vesicles = b.vesicles[k] >= 0 ? b.vesicles[k] : 1
        let scale = b.scaleFactors[k]
        // The columns are appended to in place (through inout): a copy of the group's
        // columns, appended to and stored back, would copy every column on every append
        // (they are shared with the group), quadratic in a bucket's synapses.
        if SynapseKind.release(synTypeID: b.types[k]) == .probAMPANMDA {
            func add(_ s: inout ModelGroup.ProbAMPANMDA) -> Int32 {
                s.node.append(node); s.tauDecayAMPAMs.append(b.taus[k]); s.use.append(abs(b.use[k]))
                s.depressionMs.append(abs(b.depressions[k])); s.facilitationMs.append(abs(b.facilitations[k]))
                s.mgMM.append(1); s.u0.append(0); s.nrrp.append(vesicles); s.synapseID.append(Double(synapseID))
                s.nmdaRatio.append(scale >= 0 ? scale : 0.71); s.conductanceUS.append(b.conductances[k]); s.stream.append(stream)
                return Int32(s.count - 1)
            }
            return (.probAMPANMDA, add(&group.probAMPANMDA))
        }
        let rise = randomizeGABARiseTime ? riseTime(id1: id1, id2: id2, id3: base &+ 450) : 0.2
        func add(_ s: inout ModelGroup.ProbGABAAB) -> Int32 {
            s.node.append(node)
            s.tauRiseGABAAMs.append(rise)
            s.tauDecayGABAAMs.append(b.taus[k]); s.use.append(abs(b.use[k]))
            s.depressionMs.append(abs(b.depressions[k])); s.facilitationMs.append(abs(b.facilitations[k]))
            s.eGABAAMV.append(-80); s.eGABABMV.append(-97); s.u0.append(0); s.nrrp.append(vesicles)
            s.synapseID.append(Double(synapseID)); s.gababRatio.append(scale >= 0 ? scale : 0)
            s.conductanceUS.append(b.conductances[k]); s.stream.append(stream)
            return Int32(s.count - 1)
        }
        return (.probGABAAB, add(&group.probGABAAB))
    }

    /// A randomised GABA_A rise time: NEURON's `Random123(ids).lognormal(0.2, 0.1)` drawn
    /// and discarded, then `repick()` (the second value of the polar method's pair).
    public func riseTime(id1: UInt32, id2: UInt32, id3: UInt32) -> Double {
        var r = RandomStream(id1: id1, id2: id2, id3: id3, globalIndex: randomSeed)
        let mean = 0.2, variance = 0.1
        let m2 = mean * mean
        let mu = log(m2 / sqrt(variance + m2)), sigma = sqrt(log((variance + m2) / m2))
        var v1 = 0.0, v2 = 0.0, w = 0.0
        repeat {
            v1 = 2 * r.uniform() - 1
            v2 = 2 * r.uniform() - 1
            w = v1 * v1 + v2 * v2
        } while w > 1
        let y = sqrt((-2 * log(w)) / w)
        return pow(M_E, v2 * y * sigma + mu)
    }
}
