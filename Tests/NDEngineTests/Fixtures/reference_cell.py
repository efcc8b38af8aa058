"""The test cell of SingleCellTests and SynapseTests, built in NEURON (pip install neuron).

A soma cylinder (L = diam = 20 µm, hh with NEURON's defaults) and a dendrite (L = 200 µm,
diam = 1 µm, 11 segments, pas g = 0.001 S/cm², e = -65 mV) on the soma's centre;
cm = 1 µF/cm², Ra = 100 Ω·cm; celsius 6.3, dt 0.025 ms; spikes: soma crossing -30 mV.
"""
from neuron import h

h.load_file("stdrun.hoc")


def build():
    """The cell's sections, a spike-time vector and the soma voltage and time recordings."""
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20
    soma.nseg = 1
    soma.insert("hh")
    dend = h.Section(name="dend")
    dend.L, dend.diam, dend.nseg = 200, 1, 11
    dend.insert("pas")
    for seg in dend:
        seg.pas.g, seg.pas.e = 0.001, -65
    dend.connect(soma(0.5), 0)
    for sec in (soma, dend):
        sec.Ra, sec.cm = 100, 1
    h.celsius, h.dt = 6.3, 0.025
    spikes = h.Vector()
    detector = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    detector.threshold = -30
    detector.record(spikes)
    vs = h.Vector().record(soma(0.5)._ref_v)
    ts = h.Vector().record(h._ref_t)
    return soma, dend, spikes, (detector, vs, ts)


def write(path, spikes, recordings, every):
    """Spike times, then 'v' lines (time, soma voltage) every `every` ms."""
    _, vs, ts = recordings
    with open(path, "w") as f:
        f.write(f"# NEURON {h.nrnversion(5)}: spike times [ms], then 'v' time [ms] and soma voltage [mV] every {every:g} ms\n")
        for t in spikes:
            f.write(f"spike {t:.6f}\n")
        for t, v in zip(ts, vs):
            if abs(t / every - round(t / every)) < 1e-9:
                f.write(f"v {t:.3f} {v:.9f}\n")
