#!/usr/bin/env python3
"""make bench: nd-rebalance and nd-stats against the stat floor and the reference tools.

Environment: ENTRIES (200000), RUNS (5), REF_TOOLS (folder of neurodamus's tools/; empty:
ours only), BENCH_DIR (.bench). Builds a CoreNEURON-like folder of ENTRIES groups with
sparse <id>_1.dat, <id>_2.dat, <id>_3.dat (once; reused), then times each command RUNS
times after one warm-up run and prints the medians and the ratios.
"""
import os
import random
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRIES = int(os.environ.get("ENTRIES", "200000"))
RUNS = int(os.environ.get("RUNS", "5"))
REF = os.environ.get("REF_TOOLS", "")
BENCH = os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(ROOT, ".bench")))
MACHINES, RPM = 100, 40


def make_data():
    data = os.path.join(BENCH, f"data-{ENTRIES}")
    stamp = os.path.join(data, ".complete")
    if os.path.exists(stamp):
        return data
    os.makedirs(data, exist_ok=True)
    rng = random.Random(42)
    # Ids as neurodamus makes them: the smallest gid of each rank/cycle group.
    ids = [str(g * 7) for g in range(ENTRIES)]
    print(f"bench: creating {ENTRIES} sparse groups in {data} ...", file=sys.stderr)
    for e in ids:
        with open(os.path.join(data, f"{e}_2.dat"), "wb") as f:
            f.truncate(int(rng.lognormvariate(17.0, 0.7)))
        with open(os.path.join(data, f"{e}_1.dat"), "wb") as f:
            f.truncate(rng.randint(100, 600))
        open(os.path.join(data, f"{e}_3.dat"), "wb").close()
    with open(os.path.join(data, "files.dat"), "w") as f:
        f.write(f"1.8\n{ENTRIES:10d}\n" + "".join(e + "\n" for e in ids))
    open(stamp, "w").close()
    return data


def timed(cmd, cwd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_time(cmd, cwd):
    timed(cmd, cwd)  # warm-up: the page cache and dentry cache as in every later run
    return statistics.median(timed(cmd, cwd) for _ in range(RUNS))


def main():
    os.makedirs(BENCH, exist_ok=True)
    data = make_data()
    files = os.path.join(data, "files.dat")
    floor_bin = os.path.join(BENCH, "stat-floor")
    subprocess.run(["cc", "-O2", "-o", floor_bin, os.path.join(ROOT, "bench", "stat-floor.c")], check=True)
    out = os.path.join(BENCH, "out")
    os.makedirs(out, exist_ok=True)
    bin_dir = os.path.join(ROOT, "bin")
    commands = {
        "floor (C, one stat per entry)": [floor_bin, files],
        "nd-rebalance": [os.path.join(bin_dir, "nd-rebalance"), files, str(MACHINES), "--ranks-per-machine",
                         str(RPM), "--output-file", os.path.join(out, "nd-rebalanced.dat")],
        "nd-stats": [os.path.join(bin_dir, "nd-stats"), files, str(MACHINES), "--ranks-per-machine", str(RPM)],
    }
    if REF:
        commands["reference rebalance-corenrn-data.py"] = [
            sys.executable, os.path.join(REF, "rebalance-corenrn-data.py"), files, str(MACHINES),
            "--ranks-per-machine", str(RPM), "--output-file", os.path.join(out, "ref-rebalanced.dat")]
        commands["reference rebalance-stats.py"] = [
            sys.executable, os.path.join(REF, "rebalance-stats.py"), files, str(MACHINES),
            "--ranks-per-machine", str(RPM)]
    print(f"bench: {ENTRIES} entries, {MACHINES} machines x {RPM} ranks, median of {RUNS} runs "
          f"({os.cpu_count()} cores)")
    times = {}
    for name, cmd in commands.items():
        times[name] = median_time(cmd, out)
        print(f"  {name:40s} {times[name]:7.3f} s")
    floor = times["floor (C, one stat per entry)"]
    for ours, ref in [("nd-rebalance", "reference rebalance-corenrn-data.py"), ("nd-stats", "reference rebalance-stats.py")]:
        line = f"  {ours:14s} {times[ours] / floor:5.2f}x the floor (target <= 1.2)"
        if ref in times:
            line += f", {times[ref] / times[ours]:5.2f}x faster than the reference (target >= 3)"
        print(line)
    if REF:
        same = open(os.path.join(out, "nd-rebalanced.dat"), "rb").read() == open(os.path.join(out, "ref-rebalanced.dat"), "rb").read()
        print(f"  rebalanced files.dat byte-identical to the reference: {'yes' if same else 'NO'}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
