#!/usr/bin/env python3
"""Writes the hand-made SONATA fixtures of Tests/NDSonataTests/Fixtures with h5py.

A writer other than ours, so that the reader is tested against files it did not make.
`usecase/` has the shape of neurodamus's tests/simulations/usecase3 circuit: two node
populations in two files (one with plain string attributes, one with @library
enumerations), edge files holding one or two populations, with and without indices, SWC
and ASC morphology folders per population, hoc: templates, a manifest, node sets and
inputs. Also: an HDF5 morphology, a truncated and a corrupt HDF5 file.
"""
import json
import os
import shutil

import h5py
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "NDSonataTests", "Fixtures")
STR = h5py.string_dtype()


def nodes_plain(path):
    with h5py.File(path, "w") as f:
        g = f.create_group("nodes/NodeA")
        g["node_type_id"] = np.full(3, -1, dtype=np.int64)
        g["0/mtype"] = np.array(["L4_PC", "L4_MC", "L4_MC"], dtype=object).astype(STR)
        g["0/etype"] = np.array(["dSTUT", "dSTUT", "dNAC"], dtype=object).astype(STR)
        g["0/morphology"] = np.array(["cellA", "cellB", "cellA"], dtype=object).astype(STR)
        g["0/model_template"] = np.array(["hoc:cADpyr_L2TPC", "hoc:cNAC_L23BTC", "hoc:cNAC_L23BTC"], dtype=object).astype(STR)
        g["0/layer"] = np.array([4, 4, 5], dtype=np.int64)
        g["0/x"] = np.array([1.5, 2.5, 3.5], dtype=np.float32)
        g["0/dynamics_params/threshold_current"] = np.array([0.1, 0.2, 0.3], dtype=np.float32)
        g["0/dynamics_params/holding_current"] = np.array([-0.01, -0.02, -0.03], dtype=np.float32)


def nodes_enumerated(path):
    with h5py.File(path, "w") as f:
        g = f.create_group("nodes/NodeB")
        g["node_type_id"] = np.full(2, -1, dtype=np.int64)
        for attr, table, idx in [("mtype", ["L4_PC", "L5_PC"], [1, 0]),
                                 ("etype", ["dSTUT"], [0, 0]),
                                 ("morphology", ["cellB", "cellC"], [0, 1]),
                                 ("model_template", ["nd:simple"], [0, 0])]:
            g[f"0/@library/{attr}"] = np.array(table, dtype=object).astype(STR)
            g[f"0/{attr}"] = np.array(idx, dtype=np.uint32)
        g["0/x"] = np.array([10.0, 20.0])


def edges(f, name, src_pop, tgt_pop, src, tgt, n_tgt, n_src, index=True):
    g = f.create_group(f"edges/{name}")
    order = np.lexsort((src, tgt))
    src, tgt = np.array(src)[order], np.array(tgt)[order]
    g["source_node_id"] = src.astype(np.int64)
    g["source_node_id"].attrs["node_population"] = src_pop
    g["target_node_id"] = tgt.astype(np.int64)
    g["target_node_id"].attrs["node_population"] = tgt_pop
    g["edge_type_id"] = np.full(len(src), -1, dtype=np.int64)
    g["0/afferent_section_id"] = np.arange(len(src), dtype=np.int64) % 3
    g["0/afferent_section_pos"] = np.linspace(0, 1, len(src)).astype(np.float32)
    g["0/delay"] = (1.0 + np.arange(len(src)) * 0.25).astype(np.float32)
    g["0/syn_weight"] = np.ones(len(src), dtype=np.float32)
    if not index:
        return
    for direction, keys, n in [("target_to_source", tgt, n_tgt), ("source_to_target", src, n_src)]:
        node_ranges, edge_ranges = [], []
        for node in range(n):
            ids = np.nonzero(keys == node)[0]
            first = len(edge_ranges)
            i = 0
            while i < len(ids):
                j = i
                while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
                    j += 1
                edge_ranges.append((ids[i], ids[j] + 1))
                i = j + 1
            node_ranges.append((first, len(edge_ranges)))
        g[f"indices/{direction}/node_id_to_ranges"] = np.array(node_ranges, dtype=np.uint64).reshape(-1, 2)
        g[f"indices/{direction}/range_to_edge_id"] = np.array(edge_ranges, dtype=np.uint64).reshape(-1, 2)


SWC_A = """# cellA: soma + two basal trees (one branching) + axon
1 1 0 0 0 5 -1
2 3 0 5 0 1 1
3 3 0 10 0 1 2
4 3 -3 14 0 0.5 3
5 3 -5 18 0 0.5 4
6 3 3 14 0 0.5 3
7 3 0 -5 0 1 1
8 2 5 0 0 0.5 1
9 2 10 0 0 0.5 8
"""

ASC_A = """; cellA as Neurolucida ASC, the same tree
("CellBody"
  (Color Red)
  (CellBody)
  (5 0 0 0)
  (0 5 0 0)
  (-5 0 0 0)
  (0 -5 0 0)
)
( (Color Green)
  (Dendrite)
  (0 5 0 2)
  (0 10 0 2)  ; a comment
  (
    (-3 14 0 1)
    (-5 18 0 1)
    Normal
  |
    (3 14 0 1)
    (Dot (Color Red) (Name "marker") (1 1 1 1))
    High
  )
)
( (Color Green) (Dendrite) (0 -5 0 2) )
( (Color Blue)
  (Axon)
  (5 0 0 1)
  (10 0 0 1)
)
"""

SWC_B = """1 1 0 0 0 4 -1
2 1 0 -4 0 4 1
3 1 0 4 0 4 1
4 4 0 8 0 2 3
5 4 0 20 0 1.5 4
6 4 5 25 0 1 5
7 4 -5 25 0 1 5
"""

SWC_C = """1 1 0 0 0 6 -1
2 3 6 0 0 1 1
3 3 30 0 0 1 2
"""


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    base = os.path.join(ROOT, "usecase")
    for d in ["CircuitA/morphologies/swc", "CircuitA/morphologies/asc", "CircuitB/morphologies/swc", "CircuitB/models"]:
        os.makedirs(os.path.join(base, d))
    nodes_plain(os.path.join(base, "nodes_A.h5"))
    nodes_enumerated(os.path.join(base, "nodes_B.h5"))
    with h5py.File(os.path.join(base, "local_edges_A.h5"), "w") as f:
        edges(f, "NodeA__NodeA__chemical", "NodeA", "NodeA", [1, 2, 0, 2, 1], [0, 0, 1, 1, 2], 3, 3)
    with h5py.File(os.path.join(base, "edges_AB.h5"), "w") as f:
        edges(f, "NodeA__NodeB__chemical", "NodeA", "NodeB", [0, 1, 2, 0], [1, 1, 1, 0], 2, 3)
        edges(f, "NodeB__NodeA__chemical", "NodeB", "NodeA", [0, 1, 1], [2, 2, 0], 3, 2, index=False)
    files = {
        "CircuitA/morphologies/swc/cellA.swc": SWC_A,
        "CircuitA/morphologies/asc/cellA.asc": ASC_A,
        "CircuitA/morphologies/swc/cellB.swc": SWC_B,
        "CircuitB/morphologies/swc/cellB.swc": SWC_B,
        "CircuitB/morphologies/swc/cellC.swc": SWC_C,
    }
    for name, text in files.items():
        with open(os.path.join(base, name), "w") as f:
            f.write(text)
    model = {"version": 1, "cm": 1.0, "Ra": 150.0,
             "compartments": {"rule": "fixed_length", "length": 20},
             "sections": {"soma": {"mechanisms": {"hh": {"gnabar": 0.2, "gkbar": 0.03, "gl": 0.0003, "el": -54.3}}},
                          "basal": {"cm": 2.0, "mechanisms": {"pas": {"g": 0.0002, "e": -70}}}}}
    with open(os.path.join(base, "CircuitB/models/simple.json"), "w") as f:
        json.dump(model, f, indent=2)
    circuit = {
        "version": 2,
        "manifest": {"$BASE_DIR": "./", "$CIRCUIT_A": "$BASE_DIR/CircuitA"},
        "components": {"morphologies_dir": "$CIRCUIT_A/morphologies/swc", "biophysical_neuron_models_dir": "$CIRCUIT_A/hoc"},
        "node_sets_file": "$BASE_DIR/node_sets.json",
        "networks": {
            "nodes": [
                {"nodes_file": "$BASE_DIR/nodes_A.h5",
                 "populations": {"NodeA": {"type": "biophysical",
                                           "alternate_morphologies": {"neurolucida-asc": "$CIRCUIT_A/morphologies/asc"}}}},
                {"nodes_file": "nodes_B.h5",
                 "populations": {"NodeB": {"type": "biophysical", "morphologies_dir": "CircuitB/morphologies/swc",
                                           "biophysical_neuron_models_dir": "CircuitB/models"}}},
            ],
            "edges": [
                {"edges_file": "local_edges_A.h5", "populations": {"NodeA__NodeA__chemical": {"type": "chemical"}}},
                {"edges_file": "$BASE_DIR/edges_AB.h5",
                 "populations": {"NodeA__NodeB__chemical": {"type": "chemical"}, "NodeB__NodeA__chemical": {}}},
            ],
        },
    }
    with open(os.path.join(base, "circuit_config.json"), "w") as f:
        json.dump(circuit, f, indent=4)
    simulation = {
        "version": 1,
        "manifest": {"$OUTPUT_DIR": "./reporting", "$INPUT_DIR": "./"},
        "network": "$INPUT_DIR/circuit_config.json",
        "node_set": "Mosaic",
        "run": {"tstop": 50.0, "dt": 0.1, "random_seed": 1122},
        "conditions": {"celsius": 35.0, "v_init": -75},
        "output": {"output_dir": "$OUTPUT_DIR", "spikes_file": "spikes.h5"},
        "inputs": {
            "ramp": {"input_type": "current_clamp", "module": "linear", "amp_start": 0.1, "amp_end": 0.3,
                     "delay": 5, "duration": 40, "node_set": "nodesPopA"},
            "pulses": {"input_type": "current_clamp", "module": "pulse", "amp_start": 0.5, "width": 2,
                       "frequency": 50, "delay": 0, "duration": 50, "node_set": "l4pc"},
            "replay": {"input_type": "spikes", "module": "synapse_replay", "spike_file": "$INPUT_DIR/input.h5",
                       "delay": 0, "duration": 50, "node_set": "Mosaic"},
            "hypamp": {"input_type": "current_clamp", "module": "hyperpolarizing", "delay": 0, "duration": 50,
                       "node_set": "Mosaic"},
        },
    }
    with open(os.path.join(base, "simulation_config.json"), "w") as f:
        json.dump(simulation, f, indent=4)
    node_sets = {
        "nodesPopA": {"population": "NodeA"},
        "nodesPopB": {"population": "NodeB"},
        "l4pc": {"mtype": "L4_PC"},
        "Mosaic": {"population": ["NodeA", "NodeB"]},
        "layer5": {"layer": 5},
        "someA": {"population": "NodeA", "node_id": [0, 2]},
        "mc_or_l5": ["l4mc", "layer5"],
        "l4mc": {"mtype": ["L4_MC"], "etype": "dSTUT"},
        "loop1": ["loop2"],
        "loop2": ["loop1"],
    }
    with open(os.path.join(base, "node_sets.json"), "w") as f:
        json.dump(node_sets, f, indent=2)

    with h5py.File(os.path.join(ROOT, "morphology.h5"), "w") as f:
        f["points"] = np.array([[5, 0, 0, 0], [0, 5, 0, 0], [-5, 0, 0, 0],
                                [0, 5, 0, 2], [0, 10, 0, 2], [0, 10, 0, 1], [-3, 14, 0, 1],
                                [0, 10, 0, 1], [3, 14, 0, 1]], dtype=np.float64)
        f["structure"] = np.array([[0, 1, -1], [3, 3, 0], [5, 3, 1], [7, 3, 1]], dtype=np.int32)
    good = os.path.join(ROOT, "usecase", "nodes_A.h5")
    data = open(good, "rb").read()
    with open(os.path.join(ROOT, "truncated.h5"), "wb") as f:
        f.write(data[: len(data) // 3])
    corrupt = bytearray(data)
    for i in range(512, min(len(corrupt), 4096)):
        corrupt[i] = (corrupt[i] * 7 + 13) % 256
    with open(os.path.join(ROOT, "corrupt.h5"), "wb") as f:
        f.write(bytes(corrupt))
    with open(os.path.join(ROOT, "bad.swc"), "w") as f:
        f.write("1 1 0 0 0 5 -1\n2 3 0 5 0 1 1\n3 3 0 x 0 1 2\n")
    with open(os.path.join(ROOT, "orphan.swc"), "w") as f:
        f.write("1 1 0 0 0 5 -1\n2 3 0 5 0 1 7\n")
    with open(os.path.join(ROOT, "bad.asc"), "w") as f:
        f.write('("CellBody"\n (CellBody)\n (0 0 0 1)\n\n( (Dendrite)\n (0 1 0 1)\n')
    print("fixtures written to", os.path.abspath(ROOT))


if __name__ == "__main__":
    main()
