#!/usr/bin/env python3
"""make check-sonata: what NDSonata reads against libsonata, the reference reader.

Usage: scripts/check-sonata.py CONFIG...   (circuit_config.json or simulation_config.json)
Needs `pip install libsonata`. For every node population: the node count, and per node
mtype-etype (or model_template), morphology, model_template and the number of afferent
edges over every edge population targeting it, as `nd-circuit describe --cells` prints
them, must equal what libsonata reads. Edge population sizes and their source/target
populations are compared too. Exit 1 on any difference.
"""
import collections
import json
import os
import subprocess
import sys

import libsonata
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def circuit_config(path):
    with open(path) as f:
        data = json.load(f)
    if "networks" in data:
        return path
    return libsonata.SimulationConfig.from_file(path).network


def check(config):
    circuit_path = circuit_config(config)
    circuit = libsonata.CircuitConfig.from_file(circuit_path)
    out = subprocess.run([os.path.join(ROOT, "bin", "nd-circuit"), "describe", "--cells", config],
                         check=True, capture_output=True, text=True).stdout
    ours = collections.defaultdict(list)
    for line in out.splitlines():
        r = json.loads(line)
        ours[r["population"]].append(r)
    problems = []
    edge_pops = [circuit.edge_population(name) for name in sorted(circuit.edge_populations)]
    for name in sorted(circuit.node_populations):
        pop = circuit.node_population(name)
        rows = ours.get(name, [])
        if len(rows) != pop.size:
            problems.append(f"{name}: {len(rows)} nodes here, {pop.size} in libsonata")
            continue
        sel = libsonata.Selection([(0, pop.size)])
        attrs = pop.attribute_names
        if "mtype" in attrs and "etype" in attrs:
            ref_metype = [f"{m}-{e}" for m, e in zip(pop.get_attribute("mtype", sel), pop.get_attribute("etype", sel))]
        elif "model_template" in attrs:
            ref_metype = list(pop.get_attribute("model_template", sel))
        else:
            ref_metype = None
        afferent = np.zeros(pop.size, dtype=np.int64)
        for e in edge_pops:
            if e.target == name:
                try:
                    for node in range(pop.size):
                        afferent[node] += e.afferent_edges([node]).flat_size
                except libsonata.SonataError:  # no index: count the target ids
                    targets = e.target_nodes(libsonata.Selection([(0, e.size)]))
                    afferent += np.bincount(targets, minlength=pop.size)[:pop.size]
        for key, ref in [("metype", ref_metype),
                         ("morphology", list(pop.get_attribute("morphology", sel)) if "morphology" in attrs else None),
                         ("model_template", list(pop.get_attribute("model_template", sel)) if "model_template" in attrs else None),
                         ("afferent_synapses", [int(a) for a in afferent])]:
            if ref is None:
                continue
            got = [r[key] for r in rows]
            if got != list(ref):
                first = next(i for i in range(len(got)) if got[i] != ref[i])
                problems.append(f"{name}: {key} differs first at node {first}: {got[first]!r} here, {ref[first]!r} in libsonata")
        print(f"  {name}: {pop.size} nodes, {int(afferent.sum())} afferent edges — compared")
    described = json.loads(subprocess.run([os.path.join(ROOT, "bin", "nd-circuit"), "describe", "--json",
                                           "--no-morphologies", config], check=True, capture_output=True, text=True).stdout)
    for e in described["edges"]:
        ref = circuit.edge_population(e["name"])
        if (e["edges"], e["source"], e["target"]) != (ref.size, ref.source, ref.target):
            problems.append(f"edge population {e['name']}: {e['edges']} {e['source']}->{e['target']} here, "
                            f"{ref.size} {ref.source}->{ref.target} in libsonata")
    print(f"  {len(described['edges'])} edge populations — compared")
    return problems


def main():
    bad = False
    for config in sys.argv[1:]:
        print(f"{config}:")
        problems = check(config)
        for p in problems:
            print("  DIFF " + p)
        bad |= bool(problems)
    print("check-sonata: " + ("FAILED" if bad else "NDSonata reads what libsonata reads"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
