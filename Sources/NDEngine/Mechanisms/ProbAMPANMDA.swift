#if canImport(Glibc)
import Glibc
#endif
import NDModel

/// neurodamus's excitatory synapse, ProbAMPANMDA_EMS (its tests/mechanisms/common mod
/// file as nmodl builds it for CoreNEURON): AMPA and NMDA released stochastically (see
/// `StochasticReleaseKernel`), NMDA under a magnesium block. Its Random123 stream ids
/// come in the group's BBCOREPOINTER block, seven integers per instance.
public enum ProbAMPANMDA: MechanismWithGlobals {
    public static let layout = MechanismLayout(name: "ProbAMPANMDA_EMS", kind: .pointProcess, variables: [
        "tau_d_AMPA", "Use", "Dep", "Fac", "mg", "u0", "Nrrp", "synapseID", "verboseLevel", "selected_for_report",
        "NMDA_ratio", "conductance", "i", "i_AMPA", "i_NMDA", "g_AMPA", "g_NMDA", "g", "A_AMPA_step", "B_AMPA_step",
        "A_NMDA_step", "B_NMDA_step", "unoccupied", "occupied", "tsyn", "u", "next_delay", "A_AMPA", "B_AMPA", "A_NMDA",
        "B_NMDA", "factor_AMPA", "factor_NMDA", "mggate", "usingR123", "DA_AMPA", "DB_AMPA", "DA_NMDA", "DB_NMDA",
        "v", "_g", "_tsav",
    ], pdata: [.area, .pointProcess, .corePointer, .corePointer, .corePointer, .netSend], receiveSize: 5)

    /// The mod file's GLOBALs (PARAMETER defaults; a dataset's globals.dat overrides them).
    static let globals = StochasticSynapse.Globals(mechanism: layout.name, defaults: [
        ("tau_r_AMPA", 0.2), ("tau_r_NMDA", 0.29), ("tau_d_NMDA", 43), ("e", 0), ("slope_mg", 0.062), ("scale_mg", 3.57), ("gmax", 0.001),
        ("nc_type_param", 4), ("minis_single_vesicle", 0), ("init_depleted", 0),
    ])

    public static var globalDefaults: [(name: String, value: Double)] { globals.defaults }

    public static func encode(_ model: ModelGroup, into e: inout DatasetEncoder) throws {
        let s = model.probAMPANMDA, v = e.vInitMV, g = globals.values(e.globals), dt = e.dtMs
        guard s.count > 0 else { return }
        try e.add(layout, count: s.count, nodes: s.node) { k in
            let state = StochasticSynapse.InitialState(rise: (g["tau_r_AMPA"]!, s.tauDecayAMPAMs[k]), slow: (g["tau_r_NMDA"]!, g["tau_d_NMDA"]!),
                                                       nrrp: s.nrrp[k], u0: s.u0[k], initDepleted: g["init_depleted"]! != 0, dt: dt)
            let mggate = 1.0 / (1.0 + exp(g["slope_mg"]! * -(v)) * (s.mgMM[k] / g["scale_mg"]!))
            let zeroCurrent = 0.0 * (v - g["e"]!)
            return [s.tauDecayAMPAMs[k], s.use[k], s.depressionMs[k], s.facilitationMs[k], s.mgMM[k], s.u0[k], s.nrrp[k],
                    s.synapseID[k], 0, 0, s.nmdaRatio[k], s.conductanceUS[k], zeroCurrent + zeroCurrent, zeroCurrent, zeroCurrent,
                    0, 0, 0] + state.steps + [state.unoccupied, state.occupied, 0, s.u0[k], -1, 0, 0, 0, 0] + state.factors
                + [mggate, s.stream[k] == nil ? 0 : 1, 0, 0, 0, 0, v, 0, -1e20]
        }
        e.corePointers(layout, ints: StochasticSynapse.pointerInts(s.stream), doubles: [])
    }

    public static func decode(_ block: CoreGroup.Mechanism, from d: DatasetDecoder, into model: inout ModelGroup) throws {
        try StochasticSynapse.decode(block, layout: layout, finite: [0, 1, 2, 3, 4, 5, 6, 10, 11], decoder: d,
                                     into: &model.probAMPANMDA) { s, row in
            s.tauDecayAMPAMs.append(row[0]); s.use.append(row[1]); s.depressionMs.append(row[2]); s.facilitationMs.append(row[3])
            s.mgMM.append(row[4]); s.u0.append(row[5]); s.nrrp.append(row[6]); s.synapseID.append(row[7])
            s.nmdaRatio.append(row[10]); s.conductanceUS.append(row[11])
        }
    }
}

extension ProbAMPANMDA: StochasticSynapseMechanism {
    static let columns = \ModelGroup.probAMPANMDA
    /// Node index; area scale, parameters, steps and factors, 8 states (28 doubles); the stream.
    public static let engineBytesPerInstance = 4 + 28 * 8 + MemoryLayout<RandomStream?>.stride

    public static func kernel(_ c: KernelContext) -> (any MechanismKernel)? {
        kernel(c, globals: globals) { g, all in
            StochasticReleaseKernel.Parameters(
                tauRiseFast: all("tau_r_AMPA"), tauDecayFast: c.gather { $0.probAMPANMDA.tauDecayAMPAMs },
                tauRiseSlow: all("tau_r_NMDA"), tauDecaySlow: all("tau_d_NMDA"), eFast: all("e"), eSlow: all("e"),
                slowRatio: c.gather { $0.probAMPANMDA.nmdaRatio }, use: c.gather { $0.probAMPANMDA.use },
                depression: c.gather { $0.probAMPANMDA.depressionMs }, facilitation: c.gather { $0.probAMPANMDA.facilitationMs },
                u0: c.gather { $0.probAMPANMDA.u0 }, nrrp: c.gather { $0.probAMPANMDA.nrrp },
                magnesium: (c.gather { $0.probAMPANMDA.mgMM }, g["slope_mg"]!, g["scale_mg"]!),
                gmax: g["gmax"]!, initDepleted: g["init_depleted"]! != 0,
                streams: c.gather { $0.probAMPANMDA.stream }, globalIndex: c.settings.randomGlobalIndex)
        }
    }
}
