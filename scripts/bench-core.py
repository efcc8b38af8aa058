#!/usr/bin/env python3
"""make bench-core: nd-core against CoreNEURON's own nrniv-core on the dataset nd-instantiate writes.

Usage: scripts/bench-core.py        (settings in the environment, below)

Three networks, each built as a SONATA circuit and written once by
`mpirun -np 2 nd-instantiate CONFIG --output-path DIR --ranks 2` (a CoreNEURON 1.8 dataset
of two entries):
  ring    NEURON's ring benchmark (scripts/make-ring-circuit.py): CELLS cells, each a hh soma
          and an 11-compartment passive dendrite; TSTOP ms.
  synth   `nd-circuit synth --cells SYNTH_CELLS --tstop SYNTH_TSTOP --synapses exp`: cortical-looking cells
          with hh in every compartment, current clamps and replayed input spikes (replay.dat).
  stochastic  the same with neurodamus's synapses (`--synapses stochastic`: ProbAMPANMDA_EMS,
          ProbGABAAB_EMS), STOCH_CELLS cells, STOCH_TSTOP ms, against a special-core built
          with neurodamus's mod files (SPECIAL_CORE; not run without it, and says so).
On each, RUNS times, in turn:
  nrniv-core         the neuron wheel's CoreNEURON binary itself (not its Python wrapper),
                     OMP_NUM_THREADS=1, in file mode: -d DIR -f files.dat -o OUT --tstop T
                     [--pattern replay.dat]; time = its printed "Solver Time", peak RSS from
                     /usr/bin/time -f %M
  nd-core 1 rank     the same arguments (-e T, -p replay.dat); time = run_seconds and peak RSS =
                     peak_rss_bytes of OUT/memory.jsonl
  nd-core 2 ranks    the same under mpirun -np 2; time = the slowest rank's run_seconds, peak
                     RSS = the sum over the ranks
No Python runs inside a timed process. Every out.dat, sorted by time then gid
(sort -k1,1g -k2,2n), must equal nrniv-core's; the spike counts are printed, then a
markdown table of the medians with nd-core's time over nrniv-core's and the 2-rank speed-up
(1-rank median / 2-rank median). Exits 1 if any spikes differ.

Environment: CELLS (10000), TSTOP (100), SYNTH_CELLS (500), SYNTH_TSTOP (50), STOCH_CELLS (200),
STOCH_TSTOP (100), RUNS (5), NETWORKS (ring,synth,stochastic), SPECIAL_CORE, BENCH_DIR (.bench), ND_BIN (bin/: the nd-* tools), NRNIV_CORE (the
nrniv-core binary; default: the one in the neuron wheel of this Python or of .venv).
make-ring-circuit.py runs under this Python (it needs h5py and numpy).
"""
import glob
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.environ.get("ND_BIN", os.path.join(ROOT, "bin")))
RUNS = int(os.environ.get("RUNS", "5"))
BENCH = os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(ROOT, ".bench")))
NETWORKS = {
    "ring": (int(os.environ.get("CELLS", "10000")), os.environ.get("TSTOP", "100")),
    "synth": (int(os.environ.get("SYNTH_CELLS", "500")), os.environ.get("SYNTH_TSTOP", "50")),
    "stochastic": (int(os.environ.get("STOCH_CELLS", "200")), os.environ.get("STOCH_TSTOP", "100")),
}
# The CoreNEURON each network runs in: NEURON's built-in mechanisms (nrniv-core) for ring and
# synth; neurodamus's synapses need a special-core built from its mod files (SPECIAL_CORE, e.g.
# from `make neurodamus-fixtures`: <work>/build-neuron-9.0.2/x86_64/special-core).
REFERENCE = {"ring": "nrniv-core", "synth": "nrniv-core", "stochastic": "special-core"}
CHOSEN = os.environ.get("NETWORKS", "ring,synth,stochastic").split(",")
MPIRUN = ["mpirun", "--oversubscribe"] + (["--allow-run-as-root"] if os.getuid() == 0 else [])
ENV = dict(os.environ, OMP_NUM_THREADS="1", LC_ALL="C")
if os.getuid() == 0:
    ENV.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
MiB = 2 ** 20


def find_nrniv_core():
    """The nrniv-core executable of the neuron wheel (bin/nrniv-core on PATH is a Python wrapper)."""
    if os.environ.get("NRNIV_CORE"):
        return os.environ["NRNIV_CORE"]
    spec = importlib.util.find_spec("neuron")  # finds the package without importing it
    places = list(spec.submodule_search_locations) if spec else []
    places += glob.glob(os.path.join(ROOT, ".venv", "lib", "python3*", "site-packages", "neuron"))
    for place in places:
        exe = os.path.join(place, ".data", "bin", "nrniv-core")
        if os.access(exe, os.X_OK):
            return exe
    sys.exit("bench-core: no nrniv-core: pip install neuron, or set NRNIV_CORE")


def run(cmd, log=None):
    """Runs CMD (output to LOG, or discarded); stops the benchmark if it fails."""
    with open(log or os.devnull, "w") as out:
        p = subprocess.run(cmd, env=ENV, stdout=out, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        tail = open(log).read()[-3000:] if log else ""
        sys.exit(f"bench-core: failed ({p.returncode}): {' '.join(cmd)}\n{tail}")


def build(network, cells, tstop):
    """Writes the circuit and its 2-entry dataset under BENCH; returns the dataset folder."""
    folder = os.path.join(BENCH, f"{network}-{cells}")
    circuit = os.path.join(folder, "circuit")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    if network == "ring":
        run([sys.executable, os.path.join(ROOT, "scripts", "make-ring-circuit.py"), circuit,
             "--cells", str(cells), "--tstop", tstop])
    else:
        kind = "stochastic" if network == "stochastic" else "exp"
        run([f"{BIN}/nd-circuit", "synth", "--cells", str(cells), "--tstop", tstop, "--synapses", kind, circuit])
    run(MPIRUN + ["-np", "2", f"{BIN}/nd-instantiate", os.path.join(circuit, "simulation_config.json"),
                  "--output-path", folder, "--ranks", "2"], os.path.join(folder, "instantiate.log"))
    return folder


def sorted_spikes(out_dat):
    return subprocess.run(["sort", "-k1,1g", "-k2,2n", out_dat], env=ENV, capture_output=True, text=True,
                          check=True).stdout


def nrniv_core(exe, data, out, tstop, pattern):
    """(solver seconds, peak RSS bytes, out.dat) of one nrniv-core run."""
    rss = out + ".rss"
    cmd = ["/usr/bin/time", "-f", "%M", "-o", rss, exe, "-d", data, "-f", os.path.join(data, "files.dat"),
           "-o", out, "--tstop", tstop] + (["--pattern", pattern] if pattern else [])
    run(cmd, out + ".log")
    solver = re.search(r"Solver Time\s*:\s*(\S+)", open(out + ".log").read())
    if not solver:
        sys.exit(f"bench-core: no 'Solver Time' in {out}.log")
    return float(solver.group(1)), int(open(rss).read().split()[-1]) * 1024, os.path.join(out, "out.dat")


def nd_core(ranks, data, out, tstop, pattern):
    """(slowest rank's run seconds, summed peak RSS bytes, out.dat, compartments) of one nd-core run."""
    cmd = [f"{BIN}/nd-core", "-d", data, "-f", os.path.join(data, "files.dat"), "-o", out, "-e", tstop]
    cmd += ["-p", pattern] if pattern else []
    run((MPIRUN + ["-np", str(ranks)] if ranks > 1 else []) + cmd, out + ".log")
    rows = [json.loads(line) for line in open(os.path.join(out, "memory.jsonl"))]
    assert len(rows) == ranks, f"{out}/memory.jsonl: {len(rows)} rows for {ranks} ranks"
    return (max(r["run_seconds"] for r in rows), sum(r["peak_rss_bytes"] for r in rows),
            os.path.join(out, "out.dat"), sum(r["compartments"] for r in rows))


def main():
    exes = {"nrniv-core": find_nrniv_core(), "special-core": os.environ.get("SPECIAL_CORE")}
    print(f"bench-core: nd tools from {BIN}; nrniv-core {exes['nrniv-core']}; special-core {exes['special-core']}; "
          f"median of {RUNS} run(s)")
    rows, differ = [], False
    for network in CHOSEN:
        cells, tstop = NETWORKS[network]
        reference = REFERENCE[network]
        exe = exes[reference]
        if not exe:
            print(f"  {network}: not run: it needs a special-core built with neurodamus's mod files (SPECIAL_CORE=...)")
            continue
        folder = build(network, cells, tstop)
        data = os.path.join(folder, "coreneuron_input")
        pattern = os.path.join(data, "replay.dat")
        pattern = pattern if os.path.exists(pattern) else None
        sims = {reference: lambda out: nrniv_core(exe, data, out, tstop, pattern)[:3],
                "nd-core 1 rank": lambda out: nd_core(1, data, out, tstop, pattern),
                "nd-core 2 ranks": lambda out: nd_core(2, data, out, tstop, pattern)}
        times = {name: [] for name in sims}
        rss = {name: [] for name in sims}
        spikes = {}
        compartments = None
        for i in range(RUNS):  # one run of each in turn, so that a busy moment hits all three
            for name, sim in sims.items():
                result = sim(os.path.join(folder, name.replace(" ", "-") + f"-{i}"))
                times[name].append(result[0])
                rss[name].append(result[1])
                got = sorted_spikes(result[2])
                if len(result) > 3:
                    compartments = result[3]
                if name not in spikes:
                    spikes[name] = got
                if got != spikes[reference] or got != spikes[name]:
                    differ = True
                    print(f"  {network}: {name} run {i + 1}: out.dat differs from {reference}'s ({result[2]})")
        counts = ", ".join(f"{name} {s.count(chr(10))}" for name, s in spikes.items())
        same = all(s == spikes[reference] for s in spikes.values())
        steps = round(float(tstop) / 0.025)
        print(f"  {network}: {cells} cells, {compartments} compartments, {tstop} ms ({steps} steps at dt 0.025"
              f"{', replayed input' if pattern else ''}); spikes: {counts}: {'the same' if same else 'DIFFERENT'}")
        median = {name: statistics.median(times[name]) for name in sims}
        for name in sims:
            speedup = f"{median['nd-core 1 rank'] / median[name]:.2f}x" if name == "nd-core 2 ranks" else ""
            rows.append((network, name, median[name], median[name] / median[reference],
                         statistics.median(rss[name]) / MiB, speedup))

    print()
    print("| network | simulator | median s | / CoreNEURON | peak RSS MiB | 2-rank speed-up |")
    print("|---|---|---:|---:|---:|---:|")
    for network, name, t, ratio, mib, speedup in rows:
        print(f"| {network} | {name} | {t:.3f} | {ratio:.2f} | {mib:.1f} | {speedup} |")
    print()
    print("Time: CoreNEURON's Solver Time, nd-core's run_seconds (2 ranks: the slowest rank). "
          "Peak RSS: 2 ranks = sum over ranks.")
    if differ:
        print("bench-core: nd-core's spikes differ from CoreNEURON's")
        sys.exit(1)


if __name__ == "__main__":
    main()
