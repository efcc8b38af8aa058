#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// neurodamus's inhibitory synapse, ProbGABAAB_EMS: GABA_A and GABA_B released
/// stochastically (see `StochasticReleaseKernel`); GABA_A's rise and decay and both
/// reversals per synapse, GABA_B's taus global.
public enum ProbGABAAB: MechanismWithGlobals {
    public static let layout = MechanismLayout(name: "ProbGABAAB_EMS", kind: .pointProcess, variables: [
        "tau_r_GABAA", "tau_d_GABAA", "Use", "Dep", "Fac", "e_GABAA", "e_GABAB", "u0", "Nrrp", "synapseID", "verboseLevel",
        "selected_for_report", "GABAB_ratio", "conductance", "i", "i_GABAA", "i_GABAB", "g_GABAA", "g_GABAB", "g",
        "A_GABAA_step", "B_GABAA_step", "A_GABAB_step", "B_GABAB_step", "unoccupied", "occupied", "tsyn", "u", "next_delay",
        "A_GABAA", "B_GABAA", "A_GABAB", "B_GABAB", "factor_GABAA", "factor_GABAB", "usingR123", "DA_GABAA", "DB_GABAA",
        "DA_GABAB", "DB_GABAB", "v", "_g", "_tsav",
    ], pdata: [.area, .pointProcess, .corePointer, .corePointer, .corePointer, .netSend], receiveSize: 5)

    static let globals = StochasticSynapse.Globals(mechanism: layout.name, defaults: [
        ("tau_r_GABAB", 3.5), ("tau_d_GABAB", 260.9), ("gmax", 0.001), ("nc_type_param", 4), ("minis_single_vesicle", 0), ("init_depleted", 0),
    ])

    public static var globalDefaults: [(name: String, value: Double)] { globals.defaults }

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let s = model.probGABAAB, v = e.vInitMV, g = globals.values(e.globals), dt = e.dtMs
        guard s.count > 0 else { return }
        try e.add(layout, count: s.count, nodes: s.node) { k in
            let state = StochasticSynapse.InitialState(rise: (s.tauRiseGABAAMs[k], s.tauDecayGABAAMs[k]), slow: (g["tau_r_GABAB"]!, g["tau_d_GABAB"]!),
                                                       nrrp: s.nrrp[k], u0: s.u0[k], initDepleted: g["init_depleted"]! != 0, dt: dt)
            let iA = 0.0 * (v - s.eGABAAMV[k]), iB = 0.0 * (v - s.eGABABMV[k])
            return [s.tauRiseGABAAMs[k], s.tauDecayGABAAMs[k], s.use[k], s.depressionMs[k], s.facilitationMs[k], s.eGABAAMV[k],
                    s.eGABABMV[k], s.u0[k], s.nrrp[k], s.synapseID[k], 0, 0, s.gababRatio[k], s.conductanceUS[k], iA + iB, iA, iB,
                    0, 0, 0] + state.steps + [state.unoccupied, state.occupied, 0, s.u0[k], -1, 0, 0, 0, 0] + state.factors
                + [s.stream[k] == nil ? 0 : 1, 0, 0, 0, 0, v, 0, -1e20]
        }
        e.corePointers(layout, ints: StochasticSynapse.pointerInts(s.stream), doubles: [])
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        try StochasticSynapse.decode(block, layout: layout, finite: [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13], decoder: d,
                                     into: &model.probGABAAB) { s, row in
            s.tauRiseGABAAMs.append(row[0]); s.tauDecayGABAAMs.append(row[1]); s.use.append(row[2]); s.depressionMs.append(row[3])
            s.facilitationMs.append(row[4]); s.eGABAAMV.append(row[5]); s.eGABABMV.append(row[6]); s.u0.append(row[7])
            s.nrrp.append(row[8]); s.synapseID.append(row[9]); s.gababRatio.append(row[12]); s.conductanceUS.append(row[13])
        }
    }
}

extension ProbGABAAB: StochasticSynapseMechanism {
    static let columns = \ModelGroup.probGABAAB
    /// Node index; area scale, parameters, steps and factors, 8 states (27 doubles); the stream.
    public static let engineBytesPerInstance = 4 + 27 * 8 + MemoryLayout<RandomStream?>.stride

    public static func kernel(_ c: KernelContext) -> (any MechanismKernel)? {
        kernel(c, globals: globals) { g, all in
            StochasticReleaseKernel.Parameters(
                tauRiseFast: c.gather { $0.probGABAAB.tauRiseGABAAMs }, tauDecayFast: c.gather { $0.probGABAAB.tauDecayGABAAMs },
                tauRiseSlow: all("tau_r_GABAB"), tauDecaySlow: all("tau_d_GABAB"),
                eFast: c.gather { $0.probGABAAB.eGABAAMV }, eSlow: c.gather { $0.probGABAAB.eGABABMV },
                slowRatio: c.gather { $0.probGABAAB.gababRatio }, use: c.gather { $0.probGABAAB.use },
                depression: c.gather { $0.probGABAAB.depressionMs }, facilitation: c.gather { $0.probGABAAB.facilitationMs },
                u0: c.gather { $0.probGABAAB.u0 }, nrrp: c.gather { $0.probGABAAB.nrrp }, magnesium: nil,
                gmax: g["gmax"]!, initDepleted: g["init_depleted"]! != 0,
                streams: c.gather { $0.probGABAAB.stream }, globalIndex: c.settings.randomGlobalIndex)
        }
    }
}
