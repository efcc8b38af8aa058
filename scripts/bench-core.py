#!/usr/bin/env python3
"""make bench-core: the ring network (scripts/make-ring-circuit.py) simulated by NEURON,
CoreNEURON (the neuron wheel's) and nd-core on one rank, and nd-core on 2 ranks; same dt
and tstop. Prints the median of RUNS of the solve's wall time, ns per compartment-step and
peak RSS per compartment, with the targets: nd-core <= 1.2x CoreNEURON's time, <= NEURON's
memory per compartment, 2 ranks >= 1.7x faster than 1. NEURON's spikes must equal
nd-core's (scripts/validate-neuron.py compares them).

Environment: CELLS (10000), RUNS (5), TSTOP (100), BENCH_DIR (.bench), SKIP (comma list
of neuron, coreneuron).
"""
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "bin")
CELLS = int(os.environ.get("CELLS", "10000"))
RUNS = int(os.environ.get("RUNS", "5"))
TSTOP = os.environ.get("TSTOP", "100")
BENCH = os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(ROOT, ".bench")))
SKIP = set(filter(None, os.environ.get("SKIP", "").split(",")))
MPIRUN = ["mpirun", "--oversubscribe"] + (["--allow-run-as-root"] if os.getuid() == 0 else [])


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def main():
    folder = os.path.join(BENCH, f"ring-{CELLS}")
    config = os.path.join(folder, "circuit", "simulation_config.json")
    if not os.path.exists(config):
        run([sys.executable, os.path.join(ROOT, "scripts", "make-ring-circuit.py"), os.path.join(folder, "circuit"),
             "--cells", str(CELLS), "--tstop", TSTOP], stdout=subprocess.DEVNULL)
    for ranks in (1, 2):
        data = os.path.join(folder, f"r{ranks}")
        if not os.path.exists(os.path.join(data, "coreneuron_input", "files.dat")):
            run(MPIRUN + ["-np", str(ranks), f"{BIN}/nd-instantiate", config, "--output-path", data, "--ranks", str(ranks)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    results = {}

    def nd_core(ranks):
        data = os.path.join(folder, f"r{ranks}")
        out = os.path.join(folder, f"out-r{ranks}")
        cmd = [f"{BIN}/nd-core", "-d", f"{data}/coreneuron_input", "-o", out, "--tstop", TSTOP]
        run((MPIRUN + ["-np", str(ranks)] if ranks > 1 else []) + cmd, stderr=subprocess.DEVNULL)
        rows = [json.loads(l) for l in open(f"{out}/memory.jsonl")]
        return max(r["run_seconds"] for r in rows), sum(r["peak_rss_bytes"] for r in rows), f"{out}/out.dat"

    compartments = None
    steps = round(float(TSTOP) / 0.025)
    for name, flag in (("NEURON", []), ("CoreNEURON", ["--coreneuron"])):
        if name.lower() in SKIP:
            continue
        times, rss = [], []
        for _ in range(RUNS):
            timing = os.path.join(folder, "timing.json")
            # Compared against nd-core's 1-rank spikes (written once below first).
            if not os.path.exists(os.path.join(folder, "out-r1", "out.dat")):
                nd_core(1)
            p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "validate-neuron.py"), config,
                                os.path.join(folder, "out-r1", "out.dat"), "--tstop", TSTOP, "--timing", timing] + flag,
                               capture_output=True, text=True)
            if p.returncode != 0:
                print(f"  {name}: failed or different spikes:\n{p.stdout}{p.stderr[-2000:]}")
                break
            t = json.load(open(timing))
            times.append(t["run_seconds"]); rss.append(t["peak_rss_bytes"])
            compartments = t["compartments"]
            spikes_line = p.stdout.strip().splitlines()[0]
        if times:
            results[name] = (statistics.median(times), statistics.median(rss))
            print(f"  {spikes_line}")
    if compartments is None:
        compartments = CELLS * 12  # soma + 11 dendrite compartments
    for ranks in (1, 2):
        runs = [nd_core(ranks) for _ in range(RUNS)]
        results[f"nd-core {ranks} rank" + ("s" if ranks > 1 else "")] = (statistics.median(r[0] for r in runs),
                                                                        statistics.median(r[1] for r in runs))
    same = open(os.path.join(folder, "out-r1", "out.dat"), "rb").read() == open(os.path.join(folder, "out-r2", "out.dat"), "rb").read()

    print(f"bench-core: ring network, {CELLS} cells, {compartments} compartments, {TSTOP} ms at dt 0.025 ({steps} steps); median of {RUNS}")
    print(f"  {'simulator':18s} {'run s':>8s} {'ns/comp-step':>13s} {'peak RSS MiB':>13s} {'RSS B/comp':>11s}")
    for name, (t, rss) in results.items():
        print(f"  {name:18s} {t:8.3f} {t / (compartments * steps) * 1e9:13.2f} {rss / 2**20:13.1f} {rss / compartments:11.0f}")
    ours, ours2 = results["nd-core 1 rank"], results["nd-core 2 ranks"]
    if "CoreNEURON" in results:
        print(f"  nd-core / CoreNEURON time: {ours[0] / results['CoreNEURON'][0]:.2f} (target <= 1.2)")
    if "NEURON" in results:
        print(f"  nd-core / NEURON time: {ours[0] / results['NEURON'][0]:.2f}; peak RSS: {ours[1] / results['NEURON'][1]:.2f} (target <= 1)")
    print(f"  nd-core 2 ranks speed-up: {ours[0] / ours2[0]:.2f}x (target >= 1.7); out.dat 1 rank == 2 ranks: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
