#!/usr/bin/env python3
"""Writes single-cell-reference.txt: NEURON's spike times and soma voltages for the cell
of NDSimTests/SingleCellTests.swift (pip install neuron).

The cell: a soma cylinder (L = diam = 20 µm, hh with NEURON's defaults) and a dendrite
(L = 200 µm, diam = 1 µm, 11 segments, pas g = 0.001 S/cm², e = -65 mV) on the soma's
centre; cm = 1 µF/cm², Ra = 100 Ω·cm; an IClamp of 0.3 nA at the soma from 5 ms for
100 ms; celsius 6.3, dt 0.025 ms, v_init -65 mV, 120 ms. Spikes: soma crossing -30 mV.
"""
import os

from neuron import h

h.load_file("stdrun.hoc")
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
clamp = h.IClamp(soma(0.5))
clamp.delay, clamp.dur, clamp.amp = 5, 100, 0.3
h.celsius, h.dt = 6.3, 0.025
spikes = h.Vector()
nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
nc.threshold = -30
nc.record(spikes)
vs = h.Vector().record(soma(0.5)._ref_v)
ts = h.Vector().record(h._ref_t)
h.finitialize(-65)
h.continuerun(120)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "single-cell-reference.txt")
with open(out, "w") as f:
    f.write(f"# NEURON {h.nrnversion(5)}: spike times [ms], then 'v' time [ms] and soma voltage [mV] every 1 ms\n")
    for t in spikes:
        f.write(f"spike {t:.6f}\n")
    for t, v in zip(ts, vs):
        if abs(t - round(t)) < 1e-9:
            f.write(f"v {t:.3f} {v:.9f}\n")
print(f"{len(spikes)} spikes -> {out}")
