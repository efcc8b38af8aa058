#!/usr/bin/env python3
"""make compare: the balance proof. One circuit, three ways to load it on R ranks of M machines:
  1. RoundRobin instantiation, simulated as is;
  2. Memory instantiation from nd-estimate + nd-allocate;
  3. the same + nd-rebalance (--balance ranks) for M machines of R/M ranks.
For each: per-rank and per-machine model bytes and peak RSS from nd-core's memory.jsonl
(max, mean, max/mean), as a table and as JSON-lines (OUT/compare.jsonl); the three
out.dat must be identical.

Environment: CELLS (20000), RANKS (8), MACHINES (2), TSTOP (10 ms), SEED (3),
LAYOUT (layered:RANKS, see nd-circuit synth --layout), OUT (.compare).
"""
import json
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "bin")
CELLS = int(os.environ.get("CELLS", "20000"))
RANKS = int(os.environ.get("RANKS", "8"))
MACHINES = int(os.environ.get("MACHINES", "2"))
TSTOP = os.environ.get("TSTOP", "10")
SEED = os.environ.get("SEED", "3")
# Node ids in layers of RANKS depth positions: round-robin puts each layer on the same ranks.
LAYOUT = os.environ.get("LAYOUT", f"layered:{RANKS}")
OUT = os.path.abspath(os.environ.get("OUT", os.path.join(ROOT, ".compare")))
RPM = RANKS // MACHINES
MPIRUN = ["mpirun", "--oversubscribe"] + (["--allow-run-as-root"] if os.getuid() == 0 else [])


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, **kw)


def simulate(data, out, files_dat=None):
    """nd-core on RANKS ranks over the model in DATA/coreneuron_input, results in OUT."""
    run(MPIRUN + ["-np", str(RANKS), f"{BIN}/nd-core", "-d", f"{data}/coreneuron_input", "-o", out, "--tstop", TSTOP,
                  "--ranks-per-machine", str(RPM)] + (["-f", files_dat] if files_dat else []))


def main():
    os.makedirs(OUT, exist_ok=True)
    circuit = os.path.join(OUT, f"circuit-{CELLS}-{SEED}-{LAYOUT.replace(':', '')}")
    if not os.path.exists(os.path.join(circuit, "simulation_config.json")):
        run([f"{BIN}/nd-circuit", "synth", "--cells", str(CELLS), "--seed", SEED, "--layout", LAYOUT, "--synapses", "exp", circuit])
    config = os.path.join(circuit, "simulation_config.json")
    runs = {}
    # 1. RoundRobin
    rr = os.path.join(OUT, "roundrobin")
    shutil.rmtree(rr, ignore_errors=True)
    run(MPIRUN + ["-np", str(RANKS), f"{BIN}/nd-instantiate", config, "--output-path", rr, "--ranks", str(RANKS)], stdout=subprocess.DEVNULL)
    simulate(rr, rr)
    runs["1 RoundRobin"] = rr
    # 2. Memory
    mem = os.path.join(OUT, "memory")
    shutil.rmtree(mem, ignore_errors=True)
    os.makedirs(mem)
    with open(f"{mem}/estimates.jsonl", "w") as f:
        run([f"{BIN}/nd-estimate", config, "--num-target-ranks", str(RANKS), "--output-dir", mem], stdout=f)
    run([f"{BIN}/nd-allocate", "--ranks", str(RANKS), "--output-dir", mem, "-o", f"{mem}/allocation.jsonl", f"{mem}/estimates.jsonl"])
    run(MPIRUN + ["-np", str(RANKS), f"{BIN}/nd-instantiate", config, "--output-path", mem, "--lb-mode", "Memory",
                  "--allocation", f"{mem}/allocation.jsonl"], stdout=subprocess.DEVNULL)
    simulate(mem, mem)
    runs["2 Memory"] = mem
    # 3. Memory + rebalance
    reb = os.path.join(OUT, "rebalanced")
    shutil.rmtree(reb, ignore_errors=True)
    os.makedirs(reb)
    run([f"{BIN}/nd-rebalance", f"{mem}/coreneuron_input/files.dat", str(MACHINES), "--ranks-per-machine", str(RPM),
         "--balance", "ranks", "--output-file", f"{reb}/rebalanced.dat"])
    simulate(mem, reb, files_dat=f"{reb}/rebalanced.dat")
    runs["3 Memory + rebalance"] = reb

    records = []
    print(f"\ncompare: {CELLS} cells, {RANKS} ranks on {MACHINES} machines of {RPM}, {TSTOP} ms")
    print(f"{'run':24s} {'level':8s} {'model max/mean':>15s} {'RSS max/mean':>13s} {'model max MiB':>14s} {'RSS max MiB':>12s}")
    for name, folder in runs.items():
        ranks = [json.loads(l) for l in open(f"{folder}/memory.jsonl")]
        machines = {}
        for r in ranks:
            m = machines.setdefault(r["machine"], {"model_bytes": 0, "peak_rss_bytes": 0})
            m["model_bytes"] += r["model_bytes"]
            m["peak_rss_bytes"] += r["peak_rss_bytes"]
        for level, rows in [("rank", ranks), ("machine", list(machines.values()))]:
            model = [x["model_bytes"] for x in rows]
            rss = [x["peak_rss_bytes"] for x in rows]
            rec = {"run": name, "level": level, "count": len(rows),
                   "model_max": max(model), "model_mean": statistics.mean(model), "model_max_over_mean": max(model) / statistics.mean(model),
                   "rss_max": max(rss), "rss_mean": statistics.mean(rss), "rss_max_over_mean": max(rss) / statistics.mean(rss)}
            records.append(rec)
            print(f"{name:24s} {level:8s} {rec['model_max_over_mean']:15.3f} {rec['rss_max_over_mean']:13.3f} "
                  f"{rec['model_max'] / 2**20:14.1f} {rec['rss_max'] / 2**20:12.1f}")
    with open(f"{OUT}/compare.jsonl", "w") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")
    spikes = [open(f"{folder}/out.dat", "rb").read() for folder in runs.values()]
    same = all(s == spikes[0] for s in spikes)
    count = spikes[0].count(b"\n")
    print(f"out.dat identical in the three runs: {'yes' if same else 'NO'} ({count} spikes)")
    if count == 0:
        print("compare: no spikes, so identical out.dat proves nothing: raise TSTOP", file=sys.stderr)
    sys.exit(0 if same and count > 0 else 1)


if __name__ == "__main__":
    main()
