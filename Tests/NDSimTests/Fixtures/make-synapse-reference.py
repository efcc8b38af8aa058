#!/usr/bin/env python3
"""Writes synapse-reference.txt: NEURON's soma voltage for the cell of
make-single-cell-reference.py without its clamp, receiving events on an ExpSyn (dendrite
at 0.5, tau 2 ms, e 0 mV) and on an Exp2Syn (soma, tau1 1 ms, tau2 8.3 ms, e -80 mV):
ExpSyn weights 0.004 µS at 10 ms, 0.03 µS at 40 ms (a spike) and 0.004 µS at 41 ms;
Exp2Syn 0.01 µS at 25 ms and 0.01 µS at 26 ms. 80 ms, dt 0.025, celsius 6.3.
"""
import os

from neuron import h

h.load_file("stdrun.hoc")
soma = h.Section(name="soma")
soma.L = soma.diam = 20
soma.insert("hh")
dend = h.Section(name="dend")
dend.L, dend.diam, dend.nseg = 200, 1, 11
dend.insert("pas")
for seg in dend:
    seg.pas.g, seg.pas.e = 0.001, -65
dend.connect(soma(0.5), 0)
for sec in (soma, dend):
    sec.Ra, sec.cm = 100, 1
exc = h.ExpSyn(dend(0.5))
exc.tau, exc.e = 2, 0
inh = h.Exp2Syn(soma(0.5))
inh.tau1, inh.tau2, inh.e = 1, 8.3, -80
h.celsius, h.dt = 6.3, 0.025
nc_exc = h.NetCon(None, exc)
nc_inh = h.NetCon(None, inh)
spikes = h.Vector()
det = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
det.threshold = -30
det.record(spikes)
vs = h.Vector().record(soma(0.5)._ref_v)
ts = h.Vector().record(h._ref_t)


events = [(10, nc_exc, 0.004), (25, nc_inh, 0.01), (26, nc_inh, 0.01), (40, nc_exc, 0.03), (41, nc_exc, 0.004)]
h.finitialize(-65)
# One NetCon per event so that each carries its own weight.
cons = []
for t, target, w in events:
    nc = h.NetCon(None, exc if target is nc_exc else inh)
    nc.weight[0] = w
    nc.event(t)
    cons.append(nc)
h.continuerun(80)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synapse-reference.txt")
with open(out, "w") as f:
    f.write(f"# NEURON {h.nrnversion(5)}: spikes, then 'v' time [ms] and soma voltage [mV] every 0.5 ms\n")
    for t in spikes:
        f.write(f"spike {t:.6f}\n")
    for t, v in zip(ts, vs):
        if abs(t * 2 - round(t * 2)) < 1e-9:
            f.write(f"v {t:.3f} {v:.9f}\n")
print(f"{len(spikes)} spikes -> {out}")
