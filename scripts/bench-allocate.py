#!/usr/bin/env python3
"""make bench-allocate: nd-allocate on CELLS cells (10 million), R = 1000, C = 4.

1. From a cell_memory_usage.json as neurodamus writes it (indent 4, sorted keys):
   nd-allocate --algorithm neurodamus against a python process doing neurodamus's own
   import + load + distribute_cells_with_validation + pickle (NEURODAMUS_PYTHON, default
   .venv/bin/python), whole processes, interleaved, median of RUNS; then checks that both
   pickles hold the same allocation.
2. From estimates JSON-lines for the same cells: nd-allocate (refine) writing the pickle
   and the JSON-lines, median of RUNS.
Inputs are generated once into BENCH_DIR (.bench). Prints nd-allocate's parse / allocate /
write split.
"""
import json
import os
import random
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CELLS = int(os.environ.get("CELLS", "10000000"))
RUNS = int(os.environ.get("RUNS", "3"))
RANKS, CYCLES = int(os.environ.get("RANKS", "1000")), int(os.environ.get("CYCLES", "4"))
BENCH = os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(ROOT, ".bench")))
TOOL = os.path.join(ROOT, "bin", "nd-allocate")
NEURODAMUS_PYTHON = os.path.abspath(os.environ.get("NEURODAMUS_PYTHON", os.path.join(ROOT, ".venv", "bin", "python")))


def make_inputs(folder):
    usage = os.path.join(folder, "cell_memory_usage.json")
    estimates = os.path.join(folder, "estimates.jsonl")
    if os.path.exists(estimates):
        return usage, estimates
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(7)
    metypes = [f"L{l}_{m}-{e}" for l in range(1, 7) for m in ("PC", "BC", "MC") for e in ("cADpyr", "cNAC", "bAC")]
    memory = {m: rng.uniform(50, 1500) for m in metypes}
    synapses = {m: rng.uniform(100, 8000) for m in metypes}
    pops = {"S1": {}, "S2": {}}
    with open(estimates + ".tmp", "w") as f:
        for i in range(CELLS):
            pop = "S1" if i < CELLS * 0.7 else "S2"
            gid = i if pop == "S1" else i - int(CELLS * 0.7)
            m = metypes[rng.randrange(len(metypes))]
            pops[pop].setdefault(m, []).append(gid)
            syn = max(0, int(rng.gauss(synapses[m], synapses[m] * 0.2)))
            f.write(json.dumps({"population": pop, "gid": gid, "metype": m, "cell_kb": round(memory[m], 1), "synapses": syn,
                                "synapse_kb": round(syn * 0.056, 1), "total_kb": round(memory[m] + syn * 0.056, 1)}) + "\n")
    with open(usage, "w") as f:
        json.dump({"metype_memory": memory, "metype_cell_syn_average": synapses, "pop_metype_gids": pops}, f, sort_keys=True, indent=4)
    os.rename(estimates + ".tmp", estimates)
    return usage, estimates


def timed(cmd, cwd):
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, p.stderr


def split_of(err):
    lines = [l for l in err.splitlines() if "parse" in l]
    return lines[0].split("(")[-1].rstrip(")") if lines else ""


def main():
    folder = os.path.join(BENCH, f"allocate-{CELLS}")
    usage, estimates = make_inputs(folder)
    out = os.path.join(folder, "out")
    os.makedirs(out, exist_ok=True)
    print(f"bench-allocate: {CELLS} cells, R = {RANKS}, C = {CYCLES}; usage file {os.path.getsize(usage) / 2**20:.0f} MiB, "
          f"estimates {os.path.getsize(estimates) / 2**20:.0f} MiB; whole processes, medians of {RUNS}")
    # 1. The usage file, both tools as a user runs them: nd-allocate writing the pickle and
    #    the JSON-lines; a python process importing neurodamus, loading, distributing and
    #    exporting its pickle. Interleaved, so that both see the same machine.
    ours, theirs, err = [], [], ""
    python = NEURODAMUS_PYTHON if NEURODAMUS_PYTHON and subprocess.run(
        [NEURODAMUS_PYTHON, "-c", "import neurodamus.utils.memory"], capture_output=True).returncode == 0 else None
    ref = os.path.join(folder, "neurodamus")
    if python:
        os.makedirs(ref, exist_ok=True)
        if not os.path.exists(os.path.join(ref, "cell_memory_usage.json")):
            os.symlink(usage, os.path.join(ref, "cell_memory_usage.json"))
    script = ("from neurodamus.utils.memory import DryRunStats; s = DryRunStats(); s.try_import_cell_memory_usage(); "
              f"s.distribute_cells_with_validation({RANKS}, {CYCLES})")
    for _ in range(RUNS):
        t, err = timed([TOOL, "--ranks", str(RANKS), "--cycles", str(CYCLES), "--algorithm", "neurodamus",
                        "--cell-memory-usage", usage, "--output-dir", out, "-o", os.path.join(out, "neurodamus.jsonl")], folder)
        ours.append(t)
        if python:
            theirs.append(timed([python, "-c", script], ref)[0])
    print(f"  nd-allocate --algorithm neurodamus (usage file)  {statistics.median(ours):7.2f} s  ({split_of(err)})")
    if python:
        ratio = statistics.median(theirs) / statistics.median(ours)
        print(f"  neurodamus 4.2.9, the same as a python process  {statistics.median(theirs):7.2f} s  "
              f"nd-allocate is {ratio:.2f}x faster (target >= 4)")
        check = ("import gzip, pickle, sys; a = pickle.load(gzip.open(sys.argv[1])); b = pickle.load(gzip.open(sys.argv[2])); "
                 "same = a.keys() == b.keys() and all(a[p].keys() == b[p].keys() and all(list(a[p][k]) == list(b[p][k]) for k in a[p]) for p in a); "
                 "print('  the two pickles hold the same allocation' if same else '  THE PICKLES DIFFER'); sys.exit(0 if same else 1)")
        name = f"allocation_r{RANKS}_c{CYCLES}.pkl.gz"
        subprocess.run([python, "-c", check, os.path.join(out, name), os.path.join(ref, name)], check=True)
    else:
        print("  (neurodamus not importable: set NEURODAMUS_PYTHON to a python that has neurodamus 4.2.9, e.g. .venv/bin/python after make venv)")
    # 2. refine from the estimates JSON-lines.
    refine = []
    for _ in range(RUNS):
        t, err = timed([TOOL, "--ranks", str(RANKS), "--cycles", str(CYCLES), estimates, "--output-dir", out,
                        "-o", os.path.join(out, "allocation.jsonl")], folder)
        refine.append(t)
    balance = [l.split("max/bound")[-1].strip() for l in err.splitlines() if l.strip().startswith("buckets")]
    print(f"  nd-allocate refine from estimates JSON-lines     {statistics.median(refine):7.2f} s  ({split_of(err)}; "
          f"buckets max/bound {balance[0] if balance else '?'})")


if __name__ == "__main__":
    main()
