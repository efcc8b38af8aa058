#!/usr/bin/env python3
"""Writes synapse-reference.txt: NEURON's soma voltage for the cell of reference_cell.py
without a clamp, receiving events on an ExpSyn (dendrite at 0.5, tau 2 ms, e 0 mV) and on
an Exp2Syn (soma, tau1 1 ms, tau2 8.3 ms, e -80 mV): ExpSyn weights 0.004 µS at 10 ms,
0.03 µS at 40 ms (a spike) and 0.004 µS at 41 ms; Exp2Syn 0.01 µS at 25 ms and 0.01 µS
at 26 ms. v_init -65 mV, 80 ms (NDEngineTests/SynapseTests.swift compares)."""
import os

from neuron import h

import reference_cell

soma, dend, spikes, recordings = reference_cell.build()
exc = h.ExpSyn(dend(0.5))
exc.tau, exc.e = 2, 0
inh = h.Exp2Syn(soma(0.5))
inh.tau1, inh.tau2, inh.e = 1, 8.3, -80
h.finitialize(-65)
# One NetCon per event so that each carries its own weight.
cons = []
for t, target, w in [(10, exc, 0.004), (25, inh, 0.01), (26, inh, 0.01), (40, exc, 0.03), (41, exc, 0.004)]:
    nc = h.NetCon(None, target)
    nc.weight[0] = w
    nc.event(t)
    cons.append(nc)
h.continuerun(80)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synapse-reference.txt")
reference_cell.write(out, spikes, recordings, every=0.5)
print(f"{len(spikes)} spikes -> {out}")
