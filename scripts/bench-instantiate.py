#!/usr/bin/env python3
"""make bench-instantiate: nd-instantiate at scale (issue 15, point 4).

Builds the CoreNEURON dataset of a 100,000-cell synthesized circuit (100 synapses per cell)
on 1 and on 2 processes, and of a 1,000,000-cell one (10 synapses per cell) on 2
processes, round-robin over R target ranks x C model-building cycles so that each process
builds several buckets one after the other. Prints per run: wall time, peak RSS of each
process (/usr/bin/time around each MPI process: RSS, elapsed, user + system CPU; and,
sampled every 0.2 s, its anonymous and file-backed parts), bytes written, cells, compartments and synapses (summed over nd-instantiate's JSON-line per
bucket), the largest bucket, and where the time went: each JSON-line's "seconds" (cells,
edges, synapses, write_cells, write_synapses: the process's time on that bucket, phase by
phase), summed over the buckets of every process — CPU-seconds, the right basis with 2
processes on 2 cores. Time per synapse = (edges + synapses + write_synapses) / synapses;
per compartment = (cells + write_cells) / compartments; and the ratios of those at
1,000,000 cells to 100,000 cells (2 processes both; target <= 1.3).

Environment: RUNS (1; medians of the times), SYNAPSES_KIND (stochastic: neurodamus's
ProbAMPANMDA_EMS/ProbGABAAB_EMS; or exp), BENCH_DIR (.bench), MPIRUN (mpirun ...),
ONLY (comma-separated run names to do: 100k-np1, 100k-np2, 1M-np2), KEEP (1: keep the
group files; needs the disk: 18 GiB at 100,000 cells, 139 GiB at 1,000,000).
Circuits are synthesized once into BENCH_DIR/instantiate/ and reused.

The group files (<id>_1.dat, <id>_2.dat) are counted and deleted as soon as they appear
(nd-instantiate writes each under a temporary name and renames it into place when it is
whole, and never reads it again): the 1,000,000-cell dataset (139 GiB) is twice this machine's
free disk. Each is still written in full, through the page cache.
"""
import glob
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "bin")
BENCH = os.path.join(os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(ROOT, ".bench"))), "instantiate")
RUNS = int(os.environ.get("RUNS", "1"))
KIND = os.environ.get("SYNAPSES_KIND", "stochastic")
MPIRUN = shlex.split(os.environ.get("MPIRUN") or
                     ("mpirun --oversubscribe" + (" --allow-run-as-root" if os.getuid() == 0 else "")))
ONLY = [s for s in os.environ.get("ONLY", "").split(",") if s]
KEEP = os.environ.get("KEEP", "") == "1"

# (name, cells, synapses per cell, processes, target ranks R, cycles C). A synthesized
# cell is about 360 compartments, 145 KiB of dataset: R x C is chosen for buckets of
# 3,000-4,000 cells (about 500 MiB) in both circuits, 16 to 128 of them per process.
RUNS_TABLE = [
    ("100k-np1", 100_000, 100, 1, 2, 16),
    ("100k-np2", 100_000, 100, 2, 2, 16),
    ("1M-np2", 1_000_000, 10, 2, 2, 128),
]


def circuit(cells, synapses):
    """The synthesized circuit's simulation config, made once (a marker says it is whole)."""
    folder = os.path.join(BENCH, f"circuit-{cells}-{synapses}-{KIND}")
    done = os.path.join(folder, ".complete")
    if not os.path.exists(done):
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([os.path.join(BIN, "nd-circuit"), "synth", "--cells", str(cells), "--synapses-per-cell",
                        str(synapses), "--synapses", KIND, "--seed", "1", folder],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"  synthesized {cells} cells x {synapses} synapses ({KIND}) in {time.perf_counter() - start:.1f} s",
              flush=True)
        open(done, "w").close()
    return os.path.join(folder, "simulation_config.json")


def du(folder):
    total = 0
    for path in glob.glob(os.path.join(folder, "*")):
        total += os.path.getsize(path)
    return total


class Discarder(threading.Thread):
    """Deletes the group files of `folder` as they are renamed into place; sums their sizes."""

    def __init__(self, folder):
        super().__init__(daemon=True)
        self.folder, self.bytes, self.files, self.stop = folder, 0, 0, threading.Event()

    def sweep(self):
        for path in glob.glob(os.path.join(self.folder, "*_[12].dat")):
            try:
                size = os.path.getsize(path)
                os.unlink(path)
            except FileNotFoundError:
                continue
            self.bytes += size
            self.files += 1

    def run(self):
        while not self.stop.wait(0.2):
            self.sweep()
        self.sweep()


class MemorySampler(threading.Thread):
    """Samples the nd-instantiate processes' resident memory every 0.2 s, split as Linux
    splits it: anonymous (what the process allocated) and file-backed (pages of files it
    maps: the edge files' columns, clean and reclaimable). /usr/bin/time's peak RSS is
    their sum at its highest."""

    def __init__(self):
        super().__init__(daemon=True)
        self.anon, self.file, self.stop = 0, 0, threading.Event()

    def sample(self):
        for comm in glob.glob("/proc/[0-9]*/comm"):
            try:
                with open(comm) as f:
                    if f.read().strip() != "nd-instantiate":
                        continue
                with open(comm[:-4] + "status") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
            except OSError:
                continue
            kib = lambda k: int(fields.get(k, "0 kB").split()[0])
            self.anon, self.file = max(self.anon, kib("RssAnon")), max(self.file, kib("RssFile"))

    def run(self):
        while not self.stop.wait(0.2):
            self.sample()


def instantiate(name, config, processes, ranks, cycles):
    """One run: wall time, peak RSS [KiB] per process, bytes, per-bucket rows."""
    out = os.path.join(BENCH, "out-" + name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    rss_dir = os.path.join(out, "rss")
    os.makedirs(rss_dir)
    tool = [os.path.join(BIN, "nd-instantiate"), config, "--output-path", out,
            "--ranks", str(ranks), "--modelbuilding-steps", str(cycles)]
    # Each process under /usr/bin/time, its report named by its MPI rank.
    timed = ["sh", "-c", f'exec /usr/bin/time -f "%M %e %U %S" -o "{rss_dir}/rank.${{OMPI_COMM_WORLD_RANK:-0}}" "$@"',
             "sh"] + tool
    cmd = (MPIRUN + ["-np", str(processes)] + timed) if processes > 1 else timed
    discarder = None if KEEP else Discarder(os.path.join(out, "coreneuron_input"))
    if discarder:
        discarder.start()
    sampler = MemorySampler()
    sampler.start()
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    if discarder:
        discarder.stop.set()
        discarder.join()
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"bench-instantiate: {name} failed (exit {proc.returncode})")
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    rss, cpu = {}, {}
    for path in sorted(glob.glob(os.path.join(rss_dir, "rank.*"))):
        with open(path) as f:
            last = [line for line in f.read().splitlines() if line.strip()][-1].split()
        rank = int(path.rsplit(".", 1)[1])
        rss[rank] = int(last[0])
        cpu[rank] = float(last[2]) + float(last[3])
    written = du(os.path.join(out, "coreneuron_input")) + (discarder.bytes if discarder else 0)
    return wall, rss, cpu, written, rows, (sampler.anon, sampler.file)


PHASES = ("cells", "edges", "synapses", "write_cells", "write_synapses")


def costs(rows):
    """CPU-seconds per phase summed over buckets (and so over processes); per synapse
    and per compartment [ns]."""
    phases = {k: sum(r["seconds"][k] for r in rows) for k in PHASES}
    synapses = max(sum(r["synapses"] for r in rows), 1)
    compartments = max(sum(r["compartments"] for r in rows), 1)
    return phases, dict(
        synapse=1e9 * (phases["edges"] + phases["synapses"] + phases["write_synapses"]) / synapses,
        compartment=1e9 * (phases["cells"] + phases["write_cells"]) / compartments,
        edge_read=1e9 * phases["edges"] / synapses,
        synapse_build=1e9 * phases["synapses"] / synapses,
        synapse_write=1e9 * phases["write_synapses"] / synapses,
        compartment_build=1e9 * phases["cells"] / compartments,
        compartment_write=1e9 * phases["write_cells"] / compartments)


def main():
    os.makedirs(BENCH, exist_ok=True)
    todo = [r for r in RUNS_TABLE if not ONLY or r[0] in ONLY]
    print(f"bench-instantiate: nd-instantiate, round-robin, {KIND} synapses, {RUNS} run(s) each", flush=True)
    results = {}
    for name, cells, synapses, processes, ranks, cycles in todo:
        config = circuit(cells, synapses)
        walls, rsss, cpus, runs, split = [], [], [], [], (0, 0)
        for _ in range(RUNS):
            wall, rss, cpu, written, rows, sampled = instantiate(name, config, processes, ranks, cycles)
            split = tuple(max(a, b) for a, b in zip(split, sampled))
            walls.append(wall)
            rsss.append(rss)
            cpus.append(sum(cpu.values()))
            runs.append(rows)
        # The phases of the run of median wall time.
        rows = runs[sorted(range(len(walls)), key=walls.__getitem__)[len(walls) // 2]]
        phases, per = costs(rows)
        total = {k: sum(r[k] for r in rows) for k in ("cells", "compartments", "synapses", "bytes")}
        largest = max(rows, key=lambda r: r["bytes"])
        wall = statistics.median(walls)
        peak = {p: max(r[p] for r in rsss) for p in rsss[0]}
        res = dict(name=name, processes=processes, ranks=ranks, cycles=cycles, wall=wall, rss=peak, rss_split=split,
                   written=written, largest=largest, buckets=len(rows), cpu=statistics.median(cpus),
                   phases=phases, per=per, **total)
        results[name] = res
        per_process = ", ".join(f"rank {p}: {kib / 1024:.0f} MiB" for p, kib in sorted(peak.items()))
        print(f"  {name}: {cells} cells x {synapses} synapses, {processes} process(es), R={ranks} C={cycles} "
              f"({len(rows)} buckets)", flush=True)
        print(f"    time {wall:.2f} s (median of {len(walls)}: {', '.join(f'{w:.2f}' for w in walls)})")
        print(f"    peak RSS per process: {per_process} (sampled, max over processes: anonymous "
              f"{split[0] / 1024:.0f} MiB, file-backed {split[1] / 1024:.0f} MiB)")
        print(f"    written {written / 2**20:.1f} MiB; largest bucket {largest['bytes'] / 2**20:.1f} MiB "
              f"({largest['cells']} cells, {largest['compartments']} compartments, {largest['synapses']} synapses)")
        print(f"    cells {total['cells']}, compartments {total['compartments']}, synapses {total['synapses']}")
        covered = sum(phases.values())
        print(f"    CPU {res['cpu']:.1f} s (user + system, all processes); phases {covered:.1f} CPU-s: "
              + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
        print(f"    per synapse {per['synapse']:.0f} ns (edges read {per['edge_read']:.0f}, built "
              f"{per['synapse_build']:.0f}, written {per['synapse_write']:.0f}); per compartment "
              f"{per['compartment']:.0f} ns (built {per['compartment_build']:.0f}, written "
              f"{per['compartment_write']:.0f}); wall {1e6 * wall / max(total['cells'], 1):.2f} us per cell",
              flush=True)
    small, big = results.get("100k-np2"), results.get("1M-np2")
    if small and big:
        ratio = {k: big["per"][k] / small["per"][k] for k in small["per"]}
        print(f"  1M / 100k (2 processes, CPU-seconds of the phases): time per synapse x{ratio['synapse']:.2f}, "
              f"per compartment x{ratio['compartment']:.2f} (target <= 1.3 each); per synapse: edges read "
              f"x{ratio['edge_read']:.2f}, built x{ratio['synapse_build']:.2f}, written x{ratio['synapse_write']:.2f}; "
              f"per compartment: built x{ratio['compartment_build']:.2f}, written x{ratio['compartment_write']:.2f}")
        results["ratios"] = ratio
        print(f"  peak RSS, max over processes: 100k {max(small['rss'].values()) / 1024:.0f} MiB, "
              f"1M {max(big['rss'].values()) / 1024:.0f} MiB; largest bucket 100k "
              f"{small['largest']['bytes'] / 2**20:.1f} MiB, 1M {big['largest']['bytes'] / 2**20:.1f} MiB")
    with open(os.path.join(BENCH, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())
