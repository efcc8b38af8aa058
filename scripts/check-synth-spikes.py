#!/usr/bin/env python3
"""Checks, in NEURON (pip install neuron morphio), that the current clamps nd-circuit synth
puts in simulation_config.json make every morphology of the circuit fire.

Usage: scripts/check-synth-spikes.py SIMULATION_CONFIG
Each morphology is built in NEURON from its SWC (MorphIO's sections), with its type's nd:
model (mechanisms per section type, cm, Ra, d_lambda), clamped at the soma with the amplitude
of its mtype's input, and simulated for tstop at the config's dt and celsius. A morphology
passes with at least 2 spikes (soma crossing -30 mV). Exit 1 if any stays silent.
"""
import json
import os
import sys

import morphio
from neuron import h

h.load_file("stdrun.hoc")
morphio.set_maximum_warnings(0)
TYPE_NAMES = {2: "axon", 3: "basal", 4: "apical"}


def lambda_f(sec, freq):
    # NEURON's d_lambda helper (lambda_f from stdlib.hoc), per section.
    return 1e5 * ((h.diam3d(0, sec=sec) / (4 * 3.14159265 * freq * sec.Ra * sec.cm)) ** 0.5) if sec.n3d() else 1


def build(path, model):
    m = morphio.Morphology(path)
    soma = h.Section(name="soma")
    d = 2 * sum(((p[0] - m.soma.center[0]) ** 2 + (p[1] - m.soma.center[1]) ** 2 + (p[2] - m.soma.center[2]) ** 2) ** 0.5
                for p in m.soma.points) / len(m.soma.points) if len(m.soma.points) > 1 else m.soma.diameters[0]
    soma.L = soma.diam = d
    secs = {}
    for s in m.sections:
        sec = h.Section(name=f"{TYPE_NAMES.get(int(s.type), 'basal')}[{s.id}]")
        for p, dm in zip(s.points, s.diameters):
            h.pt3dadd(float(p[0]), float(p[1]), float(p[2]), float(dm), sec=sec)
        parent = soma if s.is_root else secs[s.parent.id]
        sec.connect(parent(1 if not s.is_root else 0.5))
        secs[s.id] = (sec, TYPE_NAMES.get(int(s.type), "basal"))
        secs[s.id] = sec
        sec_type = TYPE_NAMES.get(int(s.type), "basal")
        setup(sec, model, sec_type)
    setup(soma, model, "soma")
    rule = model.get("compartments", {"rule": "d_lambda", "d_lambda": 0.1, "frequency": 100})
    for sec in [soma] + list(secs.values()):
        if rule["rule"] == "d_lambda":
            sec.nseg = int((sec.L / (rule["d_lambda"] * lambda_f(sec, rule["frequency"])) + 0.9) / 2) * 2 + 1
    return soma, list(secs.values())


def setup(sec, model, sec_type):
    spec = model["sections"].get(sec_type) or model["sections"].get("basal") or model["sections"]["soma"]
    sec.cm = spec.get("cm", model.get("cm", 1.0))
    sec.Ra = spec.get("Ra", model.get("Ra", 100.0))
    for mech, params in spec.get("mechanisms", {}).items():
        sec.insert(mech)
        for k, v in params.items():
            for seg in sec:
                setattr(seg, f"{k}_{mech}", v)


def main():
    sim_path = sys.argv[1]
    base = os.path.dirname(os.path.abspath(sim_path))
    sim = json.load(open(sim_path))
    circuit_dir = os.path.join(base, os.path.dirname(sim.get("network", "circuit_config.json")))
    h.celsius = sim["conditions"]["celsius"]
    h.dt = sim["run"]["dt"]
    tstop = sim["run"]["tstop"]
    silent = 0
    for name, inp in sim["inputs"].items():
        mtype = inp["node_set"]
        morph_dir = os.path.join(circuit_dir, "morphologies")
        for f in sorted(os.listdir(morph_dir)):
            if not f.startswith(mtype + "_"):
                continue
            etype = {"L5_TPC": "cADpyr", "L23_PC": "cADpyr", "L4_SSC": "cADpyr", "L6_IPC": "cADpyr",
                     "L4_LBC": "cNAC", "L23_MC": "cACint", "L5_BTC": "bNAC", "L1_NGC": "cNAC"}[mtype]
            model = json.load(open(os.path.join(circuit_dir, "models", etype + ".json")))
            soma, secs = build(os.path.join(morph_dir, f), model)
            clamp = h.IClamp(soma(0.5))
            clamp.delay, clamp.dur, clamp.amp = inp["delay"], inp["duration"], inp["amp_start"]
            times = h.Vector()
            nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
            nc.threshold = -30
            nc.record(times)
            h.finitialize(sim["conditions"]["v_init"])
            h.continuerun(tstop)
            n = len(times)
            print(f"  {f:18s} amp {inp['amp_start']:.3f} nA  {n:3d} spikes  ({sum(s.nseg for s in secs) + soma.nseg} compartments)")
            silent += n < 2
            del nc, clamp, soma, secs
    print("check-synth-spikes: " + ("every morphology fires" if not silent else f"{silent} morphologies stay silent"))
    sys.exit(1 if silent else 0)


if __name__ == "__main__":
    main()
