/// The ranges a simulation's numbers are checked against before they enter the engine,
/// wherever they come from (command line, sim.conf, globals.dat, simulation_config.json):
/// a value outside them would overflow a step count or turn the state into NaN.
public enum SimulationLimits {
    /// Simulated time [ms].
    public static let tstopMs: ClosedRange<Double> = 0...1e9
    /// Time step [ms]: with tstop at most 1e9 ms the step count fits an integer.
    public static let dtMs: ClosedRange<Double> = 1e-9...1e3
    /// Temperature [°C] (hh's q10 = 3^((celsius − 6.3)/10) stays finite).
    public static let celsius: ClosedRange<Double> = -273.15...1000
    /// Initial and threshold voltages [mV].
    public static let voltageMV: ClosedRange<Double> = -1000...1000
    /// A current clamp's amplitude [nA].
    public static let currentNA: ClosedRange<Double> = -1e6...1e6
    /// Times of stimuli and replayed spikes [ms] (delays, durations, widths).
    public static let timeMs: ClosedRange<Double> = -1e9...1e9

    /// Nil when `value` is finite and in `range`, else the message for it: `what value:
    /// expected a finite number in range`.
    public static func problem(_ what: String, _ value: Double, _ range: ClosedRange<Double>) -> String? {
        value.isFinite && range.contains(value) ? nil : "\(what) \(value): expected a finite number in \(show(range.lowerBound))...\(show(range.upperBound))"
    }

    private static func show(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : "\(x)"
    }
}
