#!/usr/bin/env python3
"""The ring network of make bench-core as a SONATA circuit.

Usage: scripts/make-ring-circuit.py OUT_DIR [--cells 10000] [--ring 100] [--tstop 100]

NEURON's classic ring benchmark: rings of RING cells, each cell a soma (hh, one
compartment, 20 um) with an 11-compartment passive dendrite (220 um, pas); cell k of a
ring excites cell k+1 with an ExpSyn (tau 2 ms, e 0 mV) in the middle of its dendrite
after 1 ms; the first cell of every ring gets a 0.5 ms current pulse at t = 1 ms, so a
spike travels round each ring for the whole run. Needs h5py and numpy.
"""
import argparse
import json
import os

import h5py
import numpy as np


def enumerated(group, name, values):
    table = sorted(set(values))
    index = {v: i for i, v in enumerate(table)}
    group.create_dataset(f"@library/{name}", data=np.array(table, dtype=h5py.string_dtype()))
    group.create_dataset(name, data=np.array([index[v] for v in values], dtype=np.uint32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--cells", type=int, default=10000)
    ap.add_argument("--ring", type=int, default=100)
    ap.add_argument("--tstop", type=float, default=100.0)
    args = ap.parse_args()
    n, ring = args.cells, args.ring
    assert n % ring == 0 and ring >= 2, "--cells must be a multiple of --ring (>= 2)"
    out = args.out_dir
    for sub in ("morphologies", "models"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    with open(os.path.join(out, "morphologies", "ringcell.swc"), "w") as f:
        # Soma: one sample of 20 um; dendrite: 220 um of 1 um, one section (id 1).
        f.write("1 1 0 0 0 10 -1\n2 3 0 10 0 0.5 1\n3 3 0 230 0 0.5 2\n")
    model = {
        "version": 1, "cm": 1.0, "Ra": 100.0,
        "compartments": {"rule": "fixed_length", "length": 20.0},
        "sections": {
            "soma": {"mechanisms": {"hh": {"gnabar": 0.12, "gkbar": 0.036, "gl": 0.0003, "el": -54.3}}},
            "basal": {"mechanisms": {"pas": {"g": 0.001, "e": -65.0}}},
        },
    }
    with open(os.path.join(out, "models", "ring.json"), "w") as f:
        json.dump(model, f, indent=4)
    tmp = os.path.join(out, "nodes.h5.tmp")
    with h5py.File(tmp, "w") as h:
        g = h.create_group("nodes/ring")
        g.create_dataset("node_type_id", data=np.full(n, -1, dtype=np.int64))
        a = g.create_group("0")
        ids = np.arange(n)
        enumerated(a, "mtype", ["starter" if i % ring == 0 else "follower" for i in ids])
        enumerated(a, "etype", ["ring"] * n)
        enumerated(a, "morphology", ["ringcell"] * n)
        enumerated(a, "model_template", ["nd:ring"] * n)
        enumerated(a, "model_type", ["biophysical"] * n)
        for c in ("x", "y", "z"):
            a.create_dataset(c, data=np.zeros(n, dtype=np.float32))
    os.replace(tmp, os.path.join(out, "nodes.h5"))
    # Cell k of each ring onto k + 1: one edge per target, sorted by target, both indices.
    target = np.arange(n, dtype=np.int64)
    source = np.where(target % ring == 0, target + ring - 1, target - 1).astype(np.int64)
    tmp = os.path.join(out, "edges.h5.tmp")
    with h5py.File(tmp, "w") as h:
        g = h.create_group("edges/ring__ring__chemical")
        s = g.create_dataset("source_node_id", data=source)
        s.attrs["node_population"] = "ring"
        t = g.create_dataset("target_node_id", data=target)
        t.attrs["node_population"] = "ring"
        g.create_dataset("edge_type_id", data=np.full(n, -1, dtype=np.int64))
        a = g.create_group("0")
        a.create_dataset("afferent_section_id", data=np.ones(n, dtype=np.int64))
        a.create_dataset("afferent_section_pos", data=np.full(n, 0.5, dtype=np.float32))
        a.create_dataset("delay", data=np.ones(n, dtype=np.float32))
        a.create_dataset("syn_weight", data=np.ones(n, dtype=np.float32))
        a.create_dataset("conductance", data=np.full(n, 20.0, dtype=np.float32))
        a.create_dataset("decay_time", data=np.full(n, 2.0, dtype=np.float32))
        a.create_dataset("syn_type_id", data=np.full(n, 100, dtype=np.int64))
        # The target index: one contiguous edge range per node.
        idx = g.create_group("indices/target_to_source")
        idx.create_dataset("node_id_to_ranges", data=np.stack([np.arange(n), np.arange(n) + 1], axis=1).astype(np.uint64))
        idx.create_dataset("range_to_edge_id", data=np.stack([np.arange(n), np.arange(n) + 1], axis=1).astype(np.uint64))
        order = np.argsort(source, kind="stable")
        sidx = g.create_group("indices/source_to_target")
        sidx.create_dataset("node_id_to_ranges", data=np.stack([np.arange(n), np.arange(n) + 1], axis=1).astype(np.uint64))
        sidx.create_dataset("range_to_edge_id", data=np.stack([order, order + 1], axis=1).astype(np.uint64))
    os.replace(tmp, os.path.join(out, "edges.h5"))
    with open(os.path.join(out, "node_sets.json"), "w") as f:
        json.dump({"All": {"population": "ring"}, "starters": {"mtype": "starter"}}, f, indent=4)
    circuit = {
        "version": 2, "manifest": {"$BASE_DIR": "."},
        "components": {"morphologies_dir": "$BASE_DIR/morphologies", "biophysical_neuron_models_dir": "$BASE_DIR/models"},
        "node_sets_file": "$BASE_DIR/node_sets.json",
        "networks": {
            "nodes": [{"nodes_file": "$BASE_DIR/nodes.h5", "populations": {"ring": {"type": "biophysical"}}}],
            "edges": [{"edges_file": "$BASE_DIR/edges.h5", "populations": {"ring__ring__chemical": {"type": "chemical"}}}],
        },
    }
    with open(os.path.join(out, "circuit_config.json"), "w") as f:
        json.dump(circuit, f, indent=4)
    sim = {
        "version": 1, "manifest": {"$OUTPUT_DIR": "./output"}, "network": "circuit_config.json",
        "run": {"tstop": args.tstop, "dt": 0.025, "random_seed": 1},
        "conditions": {"celsius": 6.3, "v_init": -65.0},
        "node_set": "All",
        "inputs": {"kick": {"input_type": "current_clamp", "module": "linear", "node_set": "starters",
                            "amp_start": 1.0, "delay": 1.0, "duration": 0.5}},
    }
    with open(os.path.join(out, "simulation_config.json"), "w") as f:
        json.dump(sim, f, indent=4)
    print(f"make-ring-circuit: {out}: {n} cells in rings of {ring}, {n} synapses")


if __name__ == "__main__":
    main()
