extension SynthLayout {
    /// The layout as `nd-circuit synth --layout` names it: `random`, or `layered:D` with D >= 1.
    public init?(text: String) {
        if text == "random" {
            self = .random
        } else if text.hasPrefix("layered:"), let depth = Int(text.dropFirst("layered:".count)), depth >= 1 {
            self = .layered(depth: depth)
        } else {
            return nil
        }
    }
}
