#!/usr/bin/env python3
"""make bench-allocate: nd-allocate on CELLS cells (10 million), R = 1000, C = 4.

1. From a cell_memory_usage.json as neurodamus writes it (indent 4, sorted keys):
   nd-allocate --algorithm neurodamus against neurodamus's own load + distribute_cells +
   pickle (when `import neurodamus` works), median of RUNS.
2. From estimates JSON-lines for the same cells: nd-allocate (refine) writing the pickle
   and the JSON-lines, once.
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


def main():
    folder = os.path.join(BENCH, f"allocate-{CELLS}")
    usage, estimates = make_inputs(folder)
    print(f"bench-allocate: {CELLS} cells, R = {RANKS}, C = {CYCLES}; usage file {os.path.getsize(usage) / 2**20:.0f} MiB, "
          f"estimates {os.path.getsize(estimates) / 2**20:.0f} MiB")
    ours = []
    for _ in range(RUNS):
        t, err = timed([TOOL, "--ranks", str(RANKS), "--cycles", str(CYCLES), "--algorithm", "neurodamus",
                        "--cell-memory-usage", usage, "--output-dir", folder, "-o", "/dev/null"], folder)
        ours.append(t)
    split = [l for l in err.splitlines() if "parse" in l]
    print(f"  nd-allocate --algorithm neurodamus (usage file)  {statistics.median(ours):7.2f} s  median of {RUNS}; {split[0].split('(')[-1].rstrip(')') if split else ''}")
    probe = subprocess.run([sys.executable, "-c", "import neurodamus.utils.memory"], capture_output=True)
    if probe.returncode == 0:
        script = ("import os, sys, time; os.chdir(sys.argv[1]); from neurodamus.utils.memory import DryRunStats; t = time.perf_counter(); "
                  f"s = DryRunStats(); s.try_import_cell_memory_usage(); s.distribute_cells_with_validation({RANKS}, {CYCLES}); "
                  "print(time.perf_counter() - t)")
        theirs = [float(subprocess.run([sys.executable, "-c", script, folder], check=True, capture_output=True, text=True).stdout.split()[-1])
                  for _ in range(RUNS)]
        print(f"  neurodamus 4.2.9: load + distribute + pickle      {statistics.median(theirs):7.2f} s  median of {RUNS}; "
              f"nd-allocate is {statistics.median(theirs) / statistics.median(ours):.2f}x faster (target >= 1.5)")
    t, err = timed([TOOL, "--ranks", str(RANKS), "--cycles", str(CYCLES), estimates, "--output-dir", folder,
                    "-o", os.path.join(folder, "allocation.jsonl")], folder)
    split = [l for l in err.splitlines() if "parse" in l]
    print(f"  nd-allocate refine from estimates JSON-lines     {t:7.2f} s  (target < 30 s); {split[0].split('(')[-1].rstrip(')') if split else ''}")


if __name__ == "__main__":
    main()
