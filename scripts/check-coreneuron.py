#!/usr/bin/env python3
"""Interoperability with CoreNEURON, both ways: the same spikes from nd-core and nrniv-core.

Usage: scripts/check-coreneuron.py [--work DIR] [--circuits example,synth,ring] [--skip-a] [--skip-b]
                                   [--strict]

(a) ndtools' datasets in NEURON's simulator. For the bundled example
    (examples/circuit), a synthetic circuit (`nd-circuit synth --cells SYNTH_CELLS
    --seed SYNTH_SEED`) and a small ring network (scripts/make-ring-circuit.py):
    `nd-instantiate CONFIG --ranks 2` writes the CoreNEURON dataset;
    `nd-rebalance files.dat 2 --ranks-per-machine 1` a rebalanced files.dat; then
    nrniv-core and nd-core each run it on 1 and on 2 MPI ranks, each with the original
    and with the rebalanced files.dat, through `--read-config sim.conf` (which names
    replay.dat and the initial voltage) with -f/-o/-e overrides. Every out.dat, sorted
    by time then gid, must be byte-identical to nd-core's 1-rank out.dat, and non-empty.
(b) NEURON's datasets in nd-core. For the same circuits, validate-neuron.py
    --write-dataset builds the circuit in NEURON and writes NEURON's own dataset
    (pc.nrncore_write: one group, as one thread writes it) plus its replay.dat; then
    nrniv-core and nd-core each run it on 1 and 2 ranks (`-d DIR -p DIR/replay.dat
    --voltage=V_INIT -e T`). With NEURON_THREADS > 1 (default 2) the same circuit is
    written a second time from NEURON running NEURON_THREADS threads
    (validate-neuron.py --threads), which gives a dataset of several groups, so that
    2 ranks really split it; it is run the same
    four ways. Every out.dat must be identical to nrniv-core's 1-rank out.dat on
    NEURON's one-group dataset. Whether (b)'s spikes equal (a)'s for the same circuit
    is reported; it counts as a failure only with --strict.

nd-core's out.dat must moreover already be sorted (time, then gid) as written.
Exit 1 on any mismatch, failed command or empty out.dat, after printing, per mismatch,
the spike counts, the gids whose spikes differ and the first differing spike; a
summary table ends the output.

Environment: BIN (ndtools' executables, default ./bin), TSTOP (ms, default 20, for
the example and the synthetic circuit), RING_TSTOP (default 100), SYNTH_CELLS (2000),
SYNTH_SEED (3), RING_CELLS (200), RING_SIZE (20, cells per ring), NEURON_THREADS (2),
NEURON_PYTHON (default .venv/bin/python of the repository), NRNIV_CORE (default
nrniv-core next to NEURON_PYTHON), CORENRN_MPI_LIB (default the neuron wheel's
libcorenrnmpi_ompi.so), MPI_PRELOAD (default /lib/x86_64-linux-gnu/libmpi.so.40,
LD_PRELOADed into nrniv-core under mpirun), MPIRUN (default mpirun). Runs one
command at a time; everything goes to --work DIR (kept) or a temporary folder
(removed at the end). The example takes 10-25 s per run at 20 ms, the 2000-cell
circuit 30-80 s: the whole check takes about 20 minutes on 2 cores.
"""
import argparse
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env(name, default):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Check:
    def __init__(self, args):
        self.bin = os.path.abspath(env("BIN", "./bin"))
        self.tstop = float(env("TSTOP", "20"))
        self.ring_tstop = float(env("RING_TSTOP", "100"))
        self.synth_cells = int(env("SYNTH_CELLS", "2000"))
        self.synth_seed = int(env("SYNTH_SEED", "3"))
        self.ring_cells = int(env("RING_CELLS", "200"))
        self.ring_size = int(env("RING_SIZE", "20"))
        self.threads = int(env("NEURON_THREADS", "2"))
        self.python = env("NEURON_PYTHON", os.path.join(REPO, ".venv", "bin", "python"))
        self.nrniv_core = env("NRNIV_CORE", os.path.join(os.path.dirname(self.python), "nrniv-core"))
        libs = sorted(glob.glob(os.path.join(os.path.dirname(os.path.dirname(self.python)), "lib", "python3*",
                                             "site-packages", "neuron", ".data", "lib", "libcorenrnmpi_ompi.so")))
        self.mpi_lib = env("CORENRN_MPI_LIB", libs[0] if libs else "")
        self.preload = env("MPI_PRELOAD", "/lib/x86_64-linux-gnu/libmpi.so.40")
        self.mpirun = env("MPIRUN", "mpirun")
        self.work = args.work
        self.rows = []        # summary: dicts
        self.failures = []    # text lines
        self.notes = []       # informational (a) vs (b) differences
        self.env = dict(os.environ, OMP_NUM_THREADS="1")
        if os.geteuid() == 0:
            self.env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")

    # -- commands ---------------------------------------------------------------------

    def run(self, cmd, log, cwd=None):
        """Runs cmd with stdout and stderr to log; returns (ok, seconds)."""
        print("  $ " + shlex.join(cmd), flush=True)
        started = time.perf_counter()
        with open(log, "w") as f:
            rc = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT, env=self.env, cwd=cwd)
        seconds = time.perf_counter() - started
        if rc != 0:
            with open(log, errors="replace") as f:
                tail = f.read()[-2000:]
            self.fail(f"exit status {rc}: {shlex.join(cmd)}\n    log {log}:\n" +
                      "\n".join("    | " + line for line in tail.splitlines()[-15:]))
        return rc == 0, seconds

    def must(self, cmd, log):
        ok, _ = self.run(cmd, log)
        if not ok:
            raise RuntimeError(f"preparation failed: {shlex.join(cmd)} (see {log})")

    def mpi_prefix(self, ranks):
        cmd = [self.mpirun, "-np", str(ranks), "--oversubscribe"]
        if os.geteuid() == 0:
            cmd.append("--allow-run-as-root")
        return cmd

    def simulator_cmd(self, simulator, ranks, args):
        if simulator == "nd-core":
            exe = [os.path.join(self.bin, "nd-core")]
            return (self.mpi_prefix(ranks) + exe if ranks > 1 else exe) + args
        if ranks == 1:
            return [self.nrniv_core] + args
        pre = self.mpi_prefix(ranks) + ["-x", "OMP_NUM_THREADS=1"]
        if self.preload and os.path.exists(self.preload):
            pre += ["-x", "LD_PRELOAD=" + self.preload]
        return pre + [self.nrniv_core, "--mpi", "--mpi-lib", self.mpi_lib] + args

    def fail(self, text):
        print("FAIL: " + text, flush=True)
        self.failures.append(text)

    # -- spikes -----------------------------------------------------------------------

    @staticmethod
    def read_spikes(path):
        """out.dat as its lines (stripped) in file order, or None when missing."""
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return [line.strip() for line in f if line.strip()]

    @staticmethod
    def key(line):
        t, gid = line.split()
        return float(t), int(gid)

    def describe_difference(self, label, ref_label, ref, other):
        """What differs between two sorted spike lists: counts, gids, first spike."""
        lines = [f"{label}: {len(other)} spikes, {ref_label}: {len(ref)} spikes"]
        first = next((i for i, (a, b) in enumerate(zip(ref, other)) if a != b), min(len(ref), len(other)))
        a = ref[first] if first < len(ref) else "(none)"
        b = other[first] if first < len(other) else "(none)"
        lines.append(f"first differing spike (sorted line {first + 1}): {ref_label} '{a}' vs {label} '{b}'")
        by_gid = {}
        for which, spikes in ((0, ref), (1, other)):
            for line in spikes:
                t, gid = self.key(line)
                by_gid.setdefault(gid, ([], []))[which].append(t)
        differing = sorted(g for g, (x, y) in by_gid.items() if x != y)
        lines.append(f"{len(differing)} gids with different spikes: {differing[:30]}{' ...' if len(differing) > 30 else ''}")
        for g in differing[:10]:
            x, y = by_gid[g]
            k = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            px = x[k] if k < len(x) else None
            py = y[k] if k < len(y) else None
            lines.append(f"  gid {g}: {ref_label} {len(x)} spikes, {label} {len(y)}; "
                         f"spike {k + 1} of the gid: {px} vs {py}")
        return "\n    ".join(lines)

    def record(self, case, circuit, dataset, simulator, ranks, filesdat, outdir, seconds, ok, ref):
        """Adds a summary row; compares with ref (a sorted list, or None: this run is it)."""
        spikes = self.read_spikes(os.path.join(outdir, "out.dat")) if ok else None
        row = dict(case=case, circuit=circuit, dataset=dataset, simulator=simulator, ranks=ranks,
                   filesdat=filesdat, seconds=seconds, spikes="-", result="FAILED")
        label = f"{case} {circuit} {dataset} {simulator} {ranks} rank(s) {filesdat}"
        sorted_spikes = None
        if spikes is None:
            if ok:
                self.fail(f"{label}: no out.dat in {outdir}")
        else:
            sorted_spikes = sorted(spikes, key=self.key)
            row["spikes"] = len(spikes)
            problems = []
            if not spikes:
                problems.append("EMPTY")
                self.fail(f"{label}: out.dat is empty")
            if simulator == "nd-core" and spikes != sorted_spikes:
                problems.append("UNSORTED")
                at = next(i for i, (a, b) in enumerate(zip(spikes, sorted_spikes)) if a != b)
                self.fail(f"{label}: nd-core's out.dat is not sorted by time then gid (line {at + 1}: '{spikes[at]}')")
            if ref is None:
                row["result"] = "reference"
            elif sorted_spikes == ref[1]:
                row["result"] = "IDENTICAL"
            else:
                row["result"] = "DIFFERENT"
                self.fail(self.describe_difference(label, ref[0], ref[1], sorted_spikes))
            if problems:
                row["result"] += "," + ",".join(problems)
        self.rows.append(row)
        return sorted_spikes

    # -- circuits ---------------------------------------------------------------------

    def circuit(self, name):
        """(simulation_config.json, tstop) of a circuit, generated if need be."""
        if name == "example":
            return os.path.join(REPO, "examples", "circuit", "simulation_config.json"), self.tstop
        folder = os.path.join(self.work, name, "circuit")
        if name == "synth":
            self.must([os.path.join(self.bin, "nd-circuit"), "synth", "--cells", str(self.synth_cells),
                       "--seed", str(self.synth_seed), "--synapses", "exp", folder], os.path.join(self.work, name, "nd-circuit.log"))
            return os.path.join(folder, "simulation_config.json"), self.tstop
        if name == "ring":
            self.must([self.python, os.path.join(REPO, "scripts", "make-ring-circuit.py"), folder,
                       "--cells", str(self.ring_cells), "--ring", str(self.ring_size),
                       "--tstop", str(self.ring_tstop)], os.path.join(self.work, name, "make-ring.log"))
            return os.path.join(folder, "simulation_config.json"), self.ring_tstop
        raise ValueError(f"unknown circuit {name!r} (example, synth, ring)")

    def part_a(self, name, config, tstop):
        base = os.path.join(self.work, name, "a")
        os.makedirs(base, exist_ok=True)
        print(f"\n== (a) {name}: nd-instantiate's dataset, tstop {tstop:g} ms", flush=True)
        self.must([os.path.join(self.bin, "nd-instantiate"), config, "--output-path", base, "--ranks", "2"],
                  os.path.join(base, "nd-instantiate.log"))
        d = os.path.join(base, "coreneuron_input")
        rebalanced = os.path.join(base, "rebalanced-files.dat")
        self.must([os.path.join(self.bin, "nd-rebalance"), os.path.join(d, "files.dat"), "2",
                   "--ranks-per-machine", "1", "--output-file", rebalanced], os.path.join(base, "nd-rebalance.log"))
        ref = None
        for simulator in ("nd-core", "nrniv-core"):
            for ranks in (1, 2):
                for label, filesdat in (("files.dat", os.path.join(d, "files.dat")), ("rebalanced", rebalanced)):
                    out = os.path.join(base, f"{simulator}-np{ranks}-{label.replace('.', '_')}")
                    os.makedirs(out, exist_ok=True)
                    cmd = self.simulator_cmd(simulator, ranks, ["--read-config", os.path.join(d, "sim.conf"),
                                                                "-f", filesdat, "-o", out, f"--tstop={tstop:g}"])
                    ok, seconds = self.run(cmd, out + ".log")
                    spikes = self.record("a", name, "nd-instantiate", simulator, ranks, label, out, seconds, ok, ref)
                    if ref is None:
                        if spikes is None:
                            raise RuntimeError(f"(a) {name}: the reference run failed")
                        ref = ("nd-core 1 rank files.dat", spikes)
        return ref[1]

    def write_neuron_dataset(self, config, folder, threads, log):
        script = os.path.join(REPO, "scripts", "validate-neuron.py")
        self.must([self.python, script, config, "--write-dataset", folder, "--threads", str(max(threads, 1))], log)
        with open(os.path.join(folder, "files.dat")) as f:
            return int(f.read().split()[1])

    def part_b(self, name, config, tstop, a_spikes):
        base = os.path.join(self.work, name, "b")
        os.makedirs(base, exist_ok=True)
        print(f"\n== (b) {name}: NEURON's dataset (validate-neuron.py --write-dataset), tstop {tstop:g} ms", flush=True)
        with open(config) as f:
            v_init = json.load(f).get("conditions", {}).get("v_init", -80.0)  # validate-neuron.py's default
        variants = [("neuron", 1)] + ([(f"neuron-{self.threads}threads", self.threads)] if self.threads > 1 else [])
        ref = None
        for variant, threads in variants:
            d = os.path.join(base, variant)
            groups = self.write_neuron_dataset(config, d, threads, d + ".log")
            dataset = f"NEURON {groups} group{'s' if groups != 1 else ''}"
            pattern = os.path.join(d, "replay.dat")
            common = ["-d", d, "-f", os.path.join(d, "files.dat"), f"--tstop={tstop:g}", f"--voltage={v_init:g}"]
            if os.path.exists(pattern):
                common += ["-p", pattern]
            for simulator in ("nrniv-core", "nd-core"):
                for ranks in (1, 2):
                    out = os.path.join(base, f"{variant}-{simulator}-np{ranks}")
                    os.makedirs(out, exist_ok=True)
                    ok, seconds = self.run(self.simulator_cmd(simulator, ranks, common + ["-o", out]), out + ".log")
                    spikes = self.record("b", name, dataset, simulator, ranks, "files.dat", out, seconds, ok, ref)
                    if ref is None:
                        if spikes is None:
                            raise RuntimeError(f"(b) {name}: the reference run failed")
                        ref = ("nrniv-core 1 rank on NEURON's dataset", spikes)
        if a_spikes is not None:
            same = ref[1] == a_spikes
            row = dict(case="a=b", circuit=name, dataset="(a) vs (b)", simulator="both", ranks="-", filesdat="-",
                       seconds=None, spikes=f"{len(a_spikes)}/{len(ref[1])}", result="IDENTICAL" if same else "DIFFERENT")
            self.rows.append(row)
            if not same:
                text = self.describe_difference(f"(b) {name}", f"(a) {name}", a_spikes, ref[1])
                print("NOTE: (a) and (b) differ:\n    " + text, flush=True)
                self.notes.append(text)
                if self.strict:
                    self.failures.append(text)

    # -- report -----------------------------------------------------------------------

    def table(self):
        head = ["case", "circuit", "dataset", "simulator", "ranks", "files.dat", "spikes", "result", "wall s"]
        body = [[r["case"], r["circuit"], r["dataset"], r["simulator"], str(r["ranks"]), r["filesdat"],
                 str(r["spikes"]), r["result"], "" if r["seconds"] is None else f"{r['seconds']:.1f}"]
                for r in self.rows]
        widths = [max(len(x) for x in col) for col in zip(head, *body)]
        fmt = "  ".join("{:<%d}" % w for w in widths)
        lines = [fmt.format(*head), fmt.format(*["-" * w for w in widths])]
        lines += [fmt.format(*row) for row in body]
        return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[2:]))
    ap.add_argument("--work", help="folder for datasets and outputs (kept); default a temporary one, removed")
    ap.add_argument("--circuits", default="example,synth,ring", help="comma-separated: example, synth, ring")
    ap.add_argument("--skip-a", action="store_true", help="skip (a): nd-instantiate's datasets")
    ap.add_argument("--skip-b", action="store_true", help="skip (b): NEURON's datasets")
    ap.add_argument("--strict", action="store_true", help="also fail when (b)'s spikes differ from (a)'s")
    args = ap.parse_args()
    started = time.perf_counter()
    temporary = args.work is None
    args.work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="check-coreneuron-"))
    os.makedirs(args.work, exist_ok=True)
    check = Check(args)
    check.strict = args.strict
    for exe in [os.path.join(check.bin, n) for n in ("nd-instantiate", "nd-rebalance", "nd-core", "nd-circuit")] + \
               [check.python, check.nrniv_core, check.mpi_lib]:
        if not exe or not os.path.exists(exe):
            sys.exit(f"check-coreneuron: missing {exe or 'libcorenrnmpi_ompi.so (set CORENRN_MPI_LIB)'}")
    if shutil.which(check.mpirun) is None:
        sys.exit(f"check-coreneuron: no {check.mpirun}")
    print(f"check-coreneuron: BIN={check.bin} TSTOP={check.tstop:g} RING_TSTOP={check.ring_tstop:g} "
          f"synth {check.synth_cells} cells seed {check.synth_seed}, ring {check.ring_cells} cells "
          f"(rings of {check.ring_size}), NEURON_THREADS={check.threads}, work {args.work}", flush=True)
    try:
        for name in [c.strip() for c in args.circuits.split(",") if c.strip()]:
            try:
                os.makedirs(os.path.join(args.work, name), exist_ok=True)
                config, tstop = check.circuit(name)
                a_spikes = None if args.skip_a else check.part_a(name, config, tstop)
                if not args.skip_b:
                    check.part_b(name, config, tstop, a_spikes)
            except RuntimeError as e:
                check.fail(f"{name}: {e}")
    finally:
        if temporary:
            shutil.rmtree(args.work, ignore_errors=True)
    wall = time.perf_counter() - started
    print("\n== summary (every run compared, after sorting, with its part's reference run)")
    print(check.table())
    if check.notes:
        print(f"\n(a) and (b) differ for {len(check.notes)} circuit(s) (a failure only with --strict).")
    if check.failures:
        print(f"\n{len(check.failures)} failure(s):")
        for f in check.failures:
            print("  - " + f.splitlines()[0])
    print(f"\ncheck-coreneuron: {'FAILED' if check.failures else 'OK'}, wall time {wall:.0f} s")
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
