import NDFormats
import NDModel

/// What NEURON 9.0.2's `nrncore_write` puts beside every dataset of a model built with
/// its own mechanisms only: the mechanism list (so nrniv-core, which has those compiled
/// in, numbers them as NEURON does) and the global variables' defaults.
public enum NeuronBuiltins {
    /// bbcore_mech.dat, as NEURON 9.0.2 writes it.
    public static let mechanismsText = """
1.8
24
morphology 2 0 0 0 1 0 1 1
capacitance 3 0 0 0 2 0 2 1 1
pas 4 0 0 0 5 0 5 1 1 1 1 1
extracellular 5 0 0 0 10 0 7 2 2 2 1 1 1 1
fastpas 6 0 0 0 2 0 2 1 1
IClamp 7 1 0 0 6 2 6 1 1 1 1 1 1
AlphaSynapse 8 2 0 0 8 2 8 1 1 1 1 1 1 1 1
ExpSyn 9 3 0 0 8 2 8 1 1 1 1 1 1 1 1
Exp2Syn 10 4 0 0 13 2 13 1 1 1 1 1 1 1 1 1 1 1 1 1
SEClamp 11 5 0 0 14 2 14 1 1 1 1 1 1 1 1 1 1 1 1 1 1
VClamp 12 6 0 0 24 2 20 3 3 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
OClamp 13 7 0 0 9 2 9 1 1 1 1 1 1 1 1 1
APCount 14 8 0 0 7 2 7 1 1 1 1 1 1 1
na_ion 15 0 0 1 5 1 5 1 1 1 1 1
1
k_ion 16 0 0 1 5 1 5 1 1 1 1 1
1
hh 17 0 0 0 25 6 25 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
NetStim 18 9 1 0 9 4 9 1 1 1 1 1 1 1 1 1
IntFire1 19 10 1 0 7 3 7 1 1 1 1 1 1 1
IntFire2 20 11 1 0 8 3 8 1 1 1 1 1 1 1 1
IntFire4 21 12 1 0 32 3 32 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
PointProcessMark 22 13 0 0 1 2 1 1
PatternStim 23 14 1 0 3 4 3 1 1 1

"""

    public static func catalog() -> MechanismCatalog {
        // The text above is this file's own; a failure here is a programming error.
        try! MechanismCatalog(parsing: Array(mechanismsText.utf8), name: "NeuronBuiltins.mechanismsText")
    }

    /// globals.dat with `celsius` and `dt` set.
    public static func globals(celsius: Double, dtMs: Double) -> GlobalsFile {
        var g = GlobalsFile(scalars: defaultGlobals)
        g.set("celsius", celsius)
        g.set("dt", dtMs)
        return g
    }

    /// NEURON's global variables and their defaults, in the order it writes them.
    static let defaultGlobals: [(name: String, value: Double)] = [
        ("PI", 3.141592653589793116),
        ("E", 2.7182818284590450908),
        ("GAMMA", 0.57721566490153286555),
        ("DEG", 57.295779513082322865),
        ("PHI", 1.6180339887498949025),
        ("FARADAY", 96485.33212331001414),
        ("R", 8.3144626181532395037),
        ("Avogadro_constant", 6.0221407599999998702e+23),
        ("hoc_ac_", 1),
        ("float_epsilon", 9.999999999999999395e-12),
        ("hoc_cross_x_", 0),
        ("hoc_cross_y_", 0),
        ("default_dll_loaded_", 0),
        ("clamp_resist", 0.0010000000000000000208),
        ("celsius", 6.2999999999999998224),
        ("t", 0),
        ("dt", 0.025000000000000001388),
        ("nai0_na_ion", 10),
        ("nao0_na_ion", 140),
        ("ki0_k_ion", 54.399999999999998579),
        ("ko0_k_ion", 2.5),
        ("usetable_hh", 1),
        ("ib_IntFire4", 0),
        ("eps_IntFire4", 9.9999999999999995475e-07),
        ("taueps_IntFire4", 0.010000000000000000208),
    ]
}
