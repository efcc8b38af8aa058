#!/usr/bin/env python3
"""make bench-circuit: nd-circuit synth of 100,000 cells with 10 million synapses, and
counting every cell's afferent synapses from the edge index.

Environment: CELLS (100000), SYNAPSES (100 per cell), RUNS (5; synth runs min(RUNS, 3)
times), BENCH_DIR (.bench). Prints medians.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CELLS = int(os.environ.get("CELLS", "100000"))
SYNAPSES = os.environ.get("SYNAPSES", "100")
RUNS = int(os.environ.get("RUNS", "5"))
BENCH = os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(ROOT, ".bench")))
TOOL = os.path.join(ROOT, "bin", "nd-circuit")


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main():
    out = os.path.join(BENCH, f"circuit-{CELLS}")
    synth = []
    for _ in range(min(RUNS, 3)):
        shutil.rmtree(out, ignore_errors=True)
        synth.append(timed([TOOL, "synth", "--cells", str(CELLS), "--synapses-per-cell", SYNAPSES, out]))
    size = sum(os.path.getsize(os.path.join(out, f)) for f in ("nodes.h5", "edges.h5")) / 2**20
    count = [timed([TOOL, "describe", "--no-morphologies", "--json", os.path.join(out, "circuit_config.json")])
             for _ in range(RUNS)]
    # nd-estimate: exact synapse counts from the index against neurodamus-style sampling.
    sim = os.path.join(out, "simulation_config.json")
    totals = {}
    est_times = {}
    for mode, extra in [("exact", []), ("sampled", ["--sample"])]:
        start = time.perf_counter()
        proc = subprocess.run([os.path.join(ROOT, "bin", "nd-estimate"), sim, "--json", "--output-dir",
                               os.path.join(BENCH, "estimate-" + mode)] + extra, check=True, capture_output=True, text=True)
        est_times[mode] = time.perf_counter() - start
        totals[mode] = json.loads(proc.stderr.strip().splitlines()[-1])["synapses"]
    print(f"bench-circuit: {CELLS} cells, {SYNAPSES} synapses per cell ({size:.0f} MiB of HDF5)")
    print(f"  nd-estimate, exact counts                      {est_times['exact']:7.2f} s  ({totals['exact']:.0f} synapses)")
    print(f"  nd-estimate --sample                           {est_times['sampled']:7.2f} s  ({totals['sampled']:.0f} synapses, "
          f"{100 * (totals['sampled'] - totals['exact']) / totals['exact']:+.2f}% from exact; target within 5%)")
    print(f"  nd-circuit synth                              {statistics.median(synth):7.2f} s  (median of {len(synth)}; target < 60 s)")
    print(f"  describe: count all afferent synapses (index)  {statistics.median(count):7.2f} s  (median of {len(count)}; target < 5 s)")


if __name__ == "__main__":
    sys.exit(main())
