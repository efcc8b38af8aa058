import NDComm
import NDModel

/// The run loop of one process under MPI: steps its engine to tstop and exchanges
/// spikes with every other rank once per minimum connection delay (over all ranks), so
/// an event is never due before the exchange that carries it.
public struct Simulation {
    public let engine: Engine
    public let comm: Communicator

    public init(engine: Engine, comm: Communicator) { self.engine = engine; self.comm = comm }

    /// Runs to tstop; `progress(steps done, total)` every 100 steps. Returns this
    /// process's spikes (of gids ≥ 0: sources without a gid are not recorded).
    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws -> [Spike] {
        let localDelay = engine.minimumDelayMs.isFinite ? engine.minimumDelayMs : 1e9
        let minDelay = -(try comm.allMax([-localDelay])[0])
        let dt = engine.settings.dtMs
        let steps = Int((engine.settings.tstopMs / dt).rounded())
        let interval = max(1, Int((minDelay / dt + 1e-9).rounded(.down)))
        var mine: [Spike] = []
        for s in 0..<steps {
            if s % 100 == 0 { progress(s, steps) }
            engine.step()
            if (s + 1) % interval == 0 || s + 1 == steps {
                try stopIfNotFinite()
                let local = engine.takeSpikes()
                mine += local
                engine.receive(try comm.allGatherVariable(local))
            }
        }
        progress(steps, steps)
        return mine.filter { $0.gid >= 0 && $0.timeMs <= engine.settings.tstopMs }
    }

    /// At each exchange, every rank learns whether any rank has a cell whose membrane
    /// potential is no longer finite (NaN spreads to every state and spike time it
    /// touches); then all stop, the rank holding the cell naming it and the time.
    private func stopIfNotFinite() throws {
        let cell = engine.nonFiniteCell()
        guard try comm.allMax([cell == nil ? 0 : 1])[0] > 0 else { return }
        let t = (engine.t * 1000).rounded() / 1000
        guard let cell else {
            throw NDError(.diverged, "stopping at t = \(t) ms: a cell of another rank has a membrane potential that is not finite")
        }
        throw NDError(.diverged, "\(cell >= 0 ? "cell \(cell)" : "a node of no spiking cell"): membrane potential not finite at t = \(t) ms (an unstable model: a negative conductance, a huge current?)")
    }
}
