#!/usr/bin/env python3
"""Writes single-cell-reference.txt: NEURON's spike times and soma voltages for the cell of
reference_cell.py under an IClamp of 0.3 nA at the soma from 5 ms for 100 ms; v_init -65 mV,
120 ms (NDEngineTests/SingleCellTests.swift compares)."""
import os

from neuron import h

import reference_cell

soma, dend, spikes, recordings = reference_cell.build()
clamp = h.IClamp(soma(0.5))
clamp.delay, clamp.dur, clamp.amp = 5, 100, 0.3
h.finitialize(-65)
h.continuerun(120)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "single-cell-reference.txt")
reference_cell.write(out, spikes, recordings, every=1)
print(f"{len(spikes)} spikes -> {out}")
