#!/usr/bin/env python3
"""make validate: the same SONATA network in NEURON and in nd-core, spike for spike.

Usage: scripts/validate-neuron.py SIMULATION_CONFIG OUT_DAT [--tstop T] [--coreneuron] [--timing FILE]
       scripts/validate-neuron.py SIMULATION_CONFIG --write-dataset DIR
Needs `pip install neuron h5py morphio`. Builds every biophysical cell of the circuit in
NEURON as NDBuild builds it: the soma a cylinder as long as wide (one sample: its
diameter; else twice the mean distance of the soma points from their centre, at least
the largest sampled diameter), neurites from MorphIO's sections with their 3-D points,
roots on soma(0.5), children on parent(1); the nd: model's mechanisms, cm, Ra and
d_lambda (NEURON's lambda_f); per edge an ExpSyn, or an Exp2Syn when rise_time > 0, at
(afferent_section_id, afferent_section_pos), reversal 0 or -80 mV (syn_type_id < 100),
a NetCon from the source's soma (threshold run.spike_threshold, default -30) with its
delay and weight syn_weight x conductance x 1e-3; the linear current clamps; replayed
spikes as events. An edge population with neurodamus's release columns (u_syn,
depression_time, facilitation_time, n_rrp_vesicles) gets what neurodamus builds instead,
as NDBuild's NeurodamusSynapses does: ProbAMPANMDA_EMS (syn_type_id >= 100) or
ProbGABAAB_EMS with setRNG streams, weight = conductance, delays on the step; this needs a
libnrnmech.so built from neurodamus's mod files (--mechanisms FILE or ND_NEURON_MECHANISMS;
--dump-synapses FILE writes each one's parameters). Then runs with the config's dt, celsius and v_init and compares with
OUT_DAT (nd-core's): spikes per cell and the time differences. Exit 1 unless every cell
has the same number of spikes and every spike is within 0.025 ms.

Cells are registered with gids (ParallelContext) and connected with gid_connect, so that
--coreneuron can run the same model in the CoreNEURON the neuron wheel embeds
(in memory; replayed spikes through a PatternStim). --write-dataset DIR writes the
same model (with the stand-in gids) as NEURON's own CoreNEURON dataset
(pc.nrncore_write after finitialize; one group per NEURON thread, --threads N) and the replayed spikes as DIR/replay.dat, for
nrniv-core and nd-core to run (`-d DIR -p DIR/replay.dat`); nothing is simulated. --timing FILE writes the run's wall time (the solve only),
compartments, steps and the process's peak RSS as JSON, for make bench-core.
"""
import resource
import time
import argparse
import collections
import hashlib
import json
import os
import sys

import h5py
import morphio
from neuron import h

h.load_file("stdrun.hoc")
morphio.set_maximum_warnings(0)
TYPES = {2: "axon", 3: "basal", 4: "apical"}
RELEASE = ("u_syn", "depression_time", "facilitation_time", "n_rrp_vesicles")
# NEURON's libnrnmech.so built from neurodamus's mod files (`nrnivmodl -coreneuron` on the
# neurodamus wheel's data/mod + its tests/mechanisms/common, e.g. by make neurodamus-fixtures):
# needed for circuits with stochastic synapses.
MECHANISMS = os.environ.get("ND_NEURON_MECHANISMS")


def population_id(name):
    # neurodamus connection_manager.py: a 12-bit hash of the node population's name.
    d = hashlib.md5(name.encode()).digest()
    return ((d[1] & 0x0F) << 8) + d[0]


def load_json(path):
    with open(path) as f:
        return json.load(f)


def resolve(value, manifest, base):
    for k, v in sorted(manifest.items(), key=lambda kv: -len(kv[0])):
        value = value.replace(k, v)
    return value if os.path.isabs(value) else os.path.normpath(os.path.join(base, value))


def lambda_f(sec, freq):
    n = int(h.n3d(sec=sec))
    if n < 2:
        return 1e5 * (sec.diam / (4 * 3.141592653589793 * freq * sec.Ra * sec.cm)) ** 0.5
    lam, x1, d1 = 0.0, h.arc3d(0, sec=sec), h.diam3d(0, sec=sec)
    for i in range(1, n):
        x2, d2 = h.arc3d(i, sec=sec), h.diam3d(i, sec=sec)
        lam += (x2 - x1) / (d1 + d2) ** 0.5
        x1, d1 = x2, d2
    lam *= 2 ** 0.5 * 1e-5 * (4 * 3.141592653589793 * freq * sec.Ra * sec.cm) ** 0.5
    return sec.L / lam


def setup(sec, model, kind):
    spec = model["sections"].get(kind) or model["sections"].get("basal") or model["sections"]["soma"]
    sec.cm = spec.get("cm", model.get("cm", 1.0))
    sec.Ra = spec.get("Ra", model.get("Ra", 100.0))
    rule = model.get("compartments", {"rule": "d_lambda", "d_lambda": 0.1, "frequency": 100.0})
    if rule["rule"] == "d_lambda":
        sec.nseg = int((sec.L / (rule.get("d_lambda", 0.1) * lambda_f(sec, rule.get("frequency", 100.0))) + 0.9) / 2) * 2 + 1
    elif rule["rule"] == "fixed_length":
        n = int(-(-sec.L // rule["length"]))
        sec.nseg = max(1, n + 1 if n % 2 == 0 else n)
    else:
        sec.nseg = int(rule["nseg"])
    for mech, params in spec.get("mechanisms", {}).items():
        sec.insert(mech)
        for seg in sec:
            for k, v in params.items():
                setattr(seg, f"{k}_{mech}", v)


def soma_diameter(m):
    pts = m.soma.points
    if len(pts) == 1:
        return float(m.soma.diameters[0])
    c = pts.mean(axis=0)
    mean_r = sum(((p - c) ** 2).sum() ** 0.5 for p in pts) / len(pts)
    return max(2 * mean_r, float(max(m.soma.diameters)))


class Cell:
    def __init__(self, morph_path, model):
        m = morphio.Morphology(morph_path)
        self.soma = h.Section(name="soma")
        d = max(soma_diameter(m), 1.0)
        self.soma.L = self.soma.diam = d
        setup(self.soma, model, "soma")
        self.secs = [self.soma]
        by_id = {}
        for s in m.sections:
            sec = h.Section(name=f"s{s.id}")
            for p, dm in zip(s.points, s.diameters):
                h.pt3dadd(float(p[0]), float(p[1]), float(p[2]), max(float(dm), 1e-3), sec=sec)
            if s.is_root:
                sec.connect(self.soma(0.5), 0)
            else:
                sec.connect(by_id[s.parent.id](1), 0)
            setup(sec, model, TYPES.get(int(s.type), "basal"))
            by_id[s.id] = sec
            self.secs.append(sec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("out_dat", nargs="?")
    ap.add_argument("--write-dataset", metavar="DIR")
    ap.add_argument("--threads", type=int, default=1,
                    help="NEURON threads (pc.nthread): --write-dataset then writes one group per thread")
    ap.add_argument("--tstop", type=float)
    ap.add_argument("--coreneuron", action="store_true")
    ap.add_argument("--timing")
    ap.add_argument("--mechanisms", default=MECHANISMS,
                    help="libnrnmech.so with neurodamus's ProbAMPANMDA_EMS and ProbGABAAB_EMS")
    ap.add_argument("--raw-position", action="store_true",
                    help="neurodamus synapses at sec(afferent_section_pos) unclamped (NEURON's rule for x = 0 or 1)")
    ap.add_argument("--dump-synapses", metavar="FILE",
                    help="write every neurodamus synapse's parameters (after finitialize) as JSON lines")
    args = ap.parse_args()
    if args.mechanisms and not hasattr(h, "ProbAMPANMDA_EMS"):
        if not os.path.exists(args.mechanisms):
            sys.exit(f"validate: {args.mechanisms}: no such file")
        h.nrn_load_dll(args.mechanisms)
    pc = h.ParallelContext()
    if args.threads > 1:
        pc.nthread(args.threads)
    sim_path = os.path.abspath(args.config)
    base = os.path.dirname(sim_path)
    sim = load_json(sim_path)
    manifest = {k: resolve(v, {}, base) for k, v in sim.get("manifest", {}).items()}
    circuit_path = resolve(sim.get("network", "circuit_config.json"), manifest, base)
    circ = load_json(circuit_path)
    cbase = os.path.dirname(circuit_path)
    cman = {k: resolve(v, {}, cbase) for k, v in circ.get("manifest", {}).items()}
    comp = circ.get("components", {})
    # Gids as neurodamus 4.2.9 numbers them (and nd-instantiate): populations by name,
    # the first at 0, each next at the 1000-block above the previous offset plus its
    # largest node id (every node is simulated or virtual here).
    sizes = {}
    for entry in circ["networks"]["nodes"]:
        with h5py.File(resolve(entry["nodes_file"], cman, cbase), "r") as nodes:
            for pop in entry["populations"]:
                sizes[pop] = len(nodes["nodes"][pop]["node_type_id"])
    offsets, cells, gid_cell = {}, {}, {}
    total = 0
    for pop in sorted(sizes):
        offsets[pop] = total
        total = ((total + max(sizes[pop] - 1, 0)) // 1000 + 1) * 1000
    for entry in circ["networks"]["nodes"]:
        nodes = h5py.File(resolve(entry["nodes_file"], cman, cbase), "r")
        for pop, pconf in entry["populations"].items():
            g = nodes["nodes"][pop]
            if pconf.get("type", "biophysical") != "biophysical":
                continue
            def col(name):
                raw = g["0"][name][:]
                if f"@library/{name}" in g["0"]:
                    lib = [x.decode() if isinstance(x, bytes) else x for x in g["0"]["@library"][name][:]]
                    return [lib[i] for i in raw]
                return [x.decode() if isinstance(x, bytes) else x for x in raw]
            morph_dir = resolve(pconf.get("morphologies_dir", comp["morphologies_dir"]), cman, cbase)
            model_dir = resolve(pconf.get("biophysical_neuron_models_dir", comp["biophysical_neuron_models_dir"]), cman, cbase)
            models = {}
            for i, (mname, tmpl) in enumerate(zip(col("morphology"), col("model_template"))):
                name = tmpl.split(":", 1)[1]
                models.setdefault(name, load_json(os.path.join(model_dir, name + ".json")))
                cell = Cell(os.path.join(morph_dir, mname + ".swc"), models[name])
                cells[(pop, i)] = cell
                gid_cell[offsets[pop] + i] = cell
    threshold = sim["run"].get("spike_threshold", -30)
    # Every cell a spike source with its gid (CoreNEURON needs them).
    detectors = []
    for gid, cell in gid_cell.items():
        pc.set_gid2node(gid, pc.id())
        nc = h.NetCon(cell.soma(0.5)._ref_v, None, sec=cell.soma)
        nc.threshold = threshold
        pc.cell(gid, nc)
        detectors.append(nc)
    netcons = collections.defaultdict(list)
    alive = []  # NEURON objects that must outlive the run
    dt = sim["run"].get("dt", 0.025)
    conditions = sim.get("conditions", {})
    synapse_seed = int(sim["run"].get("synapse_seed", 0))
    # neurodamus RNGSettings: Random123's global index = run.random_seed.
    h.Random().Random123_globalindex(int(sim["run"]["random_seed"]))
    dumped = []  # (gid, edge population, edge id, synapse) for --dump-synapses
    for entry in circ["networks"]["edges"]:
        f = h5py.File(resolve(entry["edges_file"], cman, cbase), "r")
        for pop, pconf in entry["populations"].items():
            if pconf.get("type", "chemical") != "chemical":
                continue  # gap junctions and the rest are not simulated by nd-core either
            g = f["edges"][pop]
            spop = g["source_node_id"].attrs["node_population"]
            tpop = g["target_node_id"].attrs["node_population"]
            src, tgt = g["source_node_id"][:], g["target_node_id"][:]
            a = g["0"]
            get = lambda k, d: a[k][:] if k in a else [d] * len(src)
            secid, pos, delay = get("afferent_section_id", 0), get("afferent_section_pos", 0.5), a["delay"][:]
            weight, cond, decay = get("syn_weight", 1.0), get("conductance", 1.0), get("decay_time", 2.0)
            rise, stype = get("rise_time", 0.0), get("syn_type_id", 100)
            # float32 columns as doubles (as nd-instantiate reads them), before any arithmetic.
            delay, cond, decay = [float(v) for v in delay], [float(v) for v in cond], [float(v) for v in decay]
            release = all(c in a for c in RELEASE)
            if release and not hasattr(h, "ProbAMPANMDA_EMS"):
                sys.exit(f"validate: edge population {pop} has neurodamus's stochastic synapses: give NEURON's "
                         "libnrnmech.so built from neurodamus's mod files (--mechanisms or ND_NEURON_MECHANISMS)")
            if release:
                use, dep, fac = [float(v) for v in a["u_syn"][:]], [float(v) for v in a["depression_time"][:]], [float(v) for v in a["facilitation_time"][:]]
                nrrp = [int(v) for v in a["n_rrp_vesicles"][:]]
                scale = [float(v) for v in get("conductance_scale_factor", -1.0)]
                seed3 = population_id(spop) * 65536 + population_id(tpop) + synapse_seed
                place = collections.Counter()  # the edge's place among its target's afferent edges
            for k in range(len(src)):
                cell = cells[(tpop, int(tgt[k]))]
                sec = cell.secs[int(secid[k])]
                x = float(pos[k])
                source_gid = offsets[spop] + int(src[k])
                if release:
                    # neurodamus 4.2.9 (connection.py, AMPANMDAHelper.hoc / GABAABHelper.hoc), as
                    # NDBuild/NeurodamusSynapses.swift builds it. The position as neurodamus's
                    # target_manager.location_to_point clamps it (--raw-position: as given).
                    if not args.raw_position:
                        x = max(min(x, 0.9999999), 0.0000001)
                    gid = offsets[tpop] + int(tgt[k])
                    sid = place[gid]
                    place[gid] += 1
                    if stype[k] >= 100:
                        syn = h.ProbAMPANMDA_EMS(sec(x))
                        syn.tau_d_AMPA = decay[k]
                    else:
                        syn = h.ProbGABAAB_EMS(sec(x))
                        if conditions.get("randomize_gaba_rise_time", False):
                            r = h.Random()
                            r.Random123(gid + 251, sid + 100, seed3 + 450)
                            r.lognormal(0.2, 0.1)
                            syn.tau_r_GABAA = r.repick()
                            alive.append(r)
                        syn.tau_d_GABAA = decay[k]
                    syn.Use, syn.Dep, syn.Fac = abs(use[k]), abs(dep[k]), abs(fac[k])
                    if nrrp[k] >= 0:
                        syn.Nrrp = nrrp[k]
                    syn.setRNG(gid + 251, sid + 100, seed3 + 300)
                    syn.synapseID = sid
                    syn.conductance = cond[k]
                    if scale[k] >= 0:
                        if stype[k] >= 100:
                            syn.NMDA_ratio = scale[k]
                        else:
                            syn.GABAB_ratio = scale[k]
                    d = int(delay[k] / dt + 1e-5) * dt
                    w = cond[k]
                    if source_gid in gid_cell:
                        nc = pc.gid_connect(source_gid, syn)
                        nc.delay = d
                        nc.weight[0] = w
                        alive.append(nc)
                    netcons[source_gid].append((syn, d, w))
                    alive.append(syn)
                    if args.dump_synapses:
                        dumped.append((gid, pop, k, sid, source_gid, d, w, syn, (gid + 251, sid + 100, seed3 + 300)))
                    continue
                tau2 = float(decay[k]) if decay[k] > 0 else 2.0
                if 0 < rise[k] < tau2:
                    syn = h.Exp2Syn(sec(x))
                    syn.tau1, syn.tau2 = float(rise[k]), tau2
                else:
                    syn = h.ExpSyn(sec(x))
                    syn.tau = tau2
                syn.e = -80.0 if stype[k] < 100 else 0.0
                w = float(weight[k]) * float(cond[k]) * 1e-3
                if source_gid in gid_cell:
                    nc = pc.gid_connect(source_gid, syn)
                    nc.delay = float(delay[k])
                    nc.weight[0] = w
                    alive.append(nc)
                # What replayed spikes of this source reach.
                netcons[source_gid].append((syn, float(delay[k]), w))
                alive.append(syn)
    # Inputs.
    sets = load_json(resolve(circ["node_sets_file"], cman, cbase))
    columns = {}
    def column(pop, key):
        # Each node attribute read once, decoded through its @library when enumerated.
        if (pop, key) not in columns:
            for entry in circ["networks"]["nodes"]:
                nodes = h5py.File(resolve(entry["nodes_file"], cman, cbase), "r")
                if pop in nodes["nodes"]:
                    g = nodes["nodes"][pop]["0"]
                    raw = g[key][:]
                    if f"@library/{key}" in g:
                        lib = [x.decode() if isinstance(x, bytes) else x for x in g["@library"][key][:]]
                        columns[(pop, key)] = [lib[i] for i in raw]
                    else:
                        columns[(pop, key)] = list(raw)
        return columns[(pop, key)]
    def select(name):
        rule = sets[name]
        out = []
        for (pop, i), cell in cells.items():
            ok = True
            for k, v in rule.items():
                vals = v if isinstance(v, list) else [v]
                ok &= (pop in vals) if k == "population" else (column(pop, k)[i] in vals)
            if ok:
                out.append(cell)
        return out
    clamps, replay = [], []
    for name, inp in sim.get("inputs", {}).items():
        if inp["input_type"] == "current_clamp" and inp["module"] == "linear":
            for cell in select(inp["node_set"]):
                c = h.IClamp(cell.soma(0.5))
                c.delay, c.dur, c.amp = inp["delay"], inp["duration"], inp["amp_start"]
                clamps.append(c)
        elif inp["input_type"] == "spikes":
            f = h5py.File(resolve(inp["spike_file"], manifest, base), "r")
            for pop in f["spikes"]:
                for t, nid in zip(f["spikes"][pop]["timestamps"][:], f["spikes"][pop]["node_ids"][:]):
                    replay.append((offsets[pop] + int(nid), float(t) + inp.get("delay", 0.0)))
    tvec, idvec = h.Vector(), h.Vector()
    pc.spike_record(-1, tvec, idvec)
    # Replayed spikes. NEURON: events on NetCons to every synapse the source reaches.
    # CoreNEURON (no FInitializeHandler events): a PatternStim playing the spikes for
    # stand-in gids (the source gid + the gid count, owned by no cell) connected to the
    # same synapses.
    stims = []
    replay = [(gid, t) for gid, t in replay if netcons.get(gid)]
    if args.coreneuron or args.write_dataset:
        if replay:
            shift = total
            for gid in sorted({gid for gid, _ in replay}):
                for syn, delay, w in netcons[gid]:
                    nc = pc.gid_connect(gid + shift, syn)
                    nc.delay = delay
                    nc.weight[0] = w
                    stims.append(nc)
            replay.sort(key=lambda x: (x[1], x[0]))
            tv, gv = h.Vector([t for _, t in replay]), h.Vector([gid + shift for gid, _ in replay])
            if args.write_dataset:
                os.makedirs(args.write_dataset, exist_ok=True)
                with open(os.path.join(args.write_dataset, "replay.dat"), "w") as f:
                    f.write("/scatter\n")
                    for gid, t in replay:
                        f.write(f"{t!r}\t{gid + shift}\n")
            else:
                ps = h.PatternStim()
                ps.play(tv, gv)
                stims += [ps, tv, gv]
    else:
        by_gid = {}
        for gid in {gid for gid, _ in replay}:
            by_gid[gid] = []
            for syn, delay, w in netcons[gid]:
                nc = h.NetCon(None, syn)
                nc.delay = delay
                nc.weight[0] = w
                by_gid[gid].append(nc)
        def schedule():
            for gid, t in replay:
                for nc in by_gid[gid]:
                    nc.event(t + nc.delay)
        stims.append(h.FInitializeHandler(schedule))
    h.celsius = sim.get("conditions", {}).get("celsius", 34.0)
    h.dt = sim["run"].get("dt", 0.025)
    tstop = args.tstop or sim["run"]["tstop"]
    h.cvode.cache_efficient(1)
    pc.set_maxstep(10)
    if args.coreneuron:
        from neuron import coreneuron
        coreneuron.enable = True
        coreneuron.verbose = 0
    h.finitialize(sim.get("conditions", {}).get("v_init", -80.0))
    if args.dump_synapses:
        names = {"ProbAMPANMDA_EMS": ["tau_d_AMPA", "Use", "Dep", "Fac", "Nrrp", "synapseID", "NMDA_ratio", "conductance",
                                      "A_AMPA_step", "B_AMPA_step", "A_NMDA_step", "B_NMDA_step"],
                 "ProbGABAAB_EMS": ["tau_r_GABAA", "tau_d_GABAA", "Use", "Dep", "Fac", "Nrrp", "synapseID", "GABAB_ratio", "conductance",
                                    "A_GABAA_step", "B_GABAA_step", "A_GABAB_step", "B_GABAB_step"]}
        with open(args.dump_synapses, "w") as f:
            for gid, pop, k, sid, sgid, d, w, syn, stream in dumped:
                kind = syn.hname().split("[")[0]
                seg = syn.get_segment()
                rec = {"gid": gid, "edges": pop, "edge": k, "synapseID": sid, "source": sgid, "delay": d, "weight": w,
                       "mech": kind, "sec": seg.sec.name(), "loc": syn.get_loc(), "stream": stream}
                h.pop_section()
                rec.update({n: getattr(syn, n) for n in names[kind]})
                f.write(json.dumps(rec) + "\n")
    if args.write_dataset:
        pc.nrncore_write(args.write_dataset)
        print(f"validate: wrote NEURON's CoreNEURON dataset of {len(gid_cell)} cells to {args.write_dataset}")
        return
    if not args.out_dat:
        ap.error("OUT_DAT is needed unless --write-dataset is given")
    started = time.perf_counter()
    pc.psolve(tstop)
    seconds = time.perf_counter() - started
    if args.timing:
        compartments = sum(sec.nseg for cell in gid_cell.values() for sec in cell.secs)
        with open(args.timing, "w") as f:
            json.dump({"simulator": "CoreNEURON" if args.coreneuron else "NEURON", "run_seconds": seconds,
                       "compartments": compartments, "steps": round(tstop / h.dt), "cells": len(gid_cell),
                       "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}, f)
    recorders = {gid: [] for gid in gid_cell}
    for t, gid in zip(tvec, idvec):
        recorders[int(gid)].append(t)
    neuron_spikes = {gid: sorted(times) for gid, times in recorders.items()}
    ours = collections.defaultdict(list)
    for line in open(args.out_dat):
        t, gid = line.split()
        ours[int(gid)].append(float(t))
    count_diff = [g for g in neuron_spikes if len(neuron_spikes[g]) != len(ours.get(g, []))]
    dts = [abs(a - b) for g in neuron_spikes if g not in count_diff for a, b in zip(neuron_spikes[g], ours[g])]
    n = sum(len(v) for v in neuron_spikes.values())
    name = "CoreNEURON" if args.coreneuron else "NEURON"
    print(f"validate: {len(gid_cell)} cells, {sum(len(v) for v in netcons.values())} synapses, {tstop} ms: {name} {n} spikes, nd-core {sum(len(v) for v in ours.values())}")
    print(f"  cells with a different spike count: {len(count_diff)}; largest time difference among the others: {max(dts) if dts else 0:.3g} ms")
    ok = not count_diff and (not dts or max(dts) <= 0.025 + 1e-9)
    print("validate: " + (f"same spikes as {name}" if ok else f"DIFFERENT from {name}"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
