#!/usr/bin/env python3
"""make kill-test: reruns killed with SIGKILL leave the complete old output or none.

For nd-circuit synth, nd-allocate and nd-instantiate: write an output with one set of
parameters (the old one), then KILLS times (20) rerun with other parameters into the same
place and SIGKILL the rerun at a seeded moment between its start and its usual end. After
each kill, every output file must be complete — byte-equal to the old run's or the new
run's — or absent, never a mix of the two runs; for nd-instantiate, nd-core must then
either refuse the folder or give the old or the new run's spikes. The old output is put
back before each kill. Prints one line per tool; exits 1 on any violation.
"""
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("ND_BIN", os.path.join(ROOT, "bin"))
KILLS = int(os.environ.get("KILLS", "20"))
SEED = int(os.environ.get("SEED", "1"))


def tool(name):
    return os.path.join(BIN, name)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)


def snapshot(folder, names=None):
    """{relative path: sha1} of the files under folder (or of `names` in it), temporaries excluded."""
    result = {}
    if not os.path.isdir(folder):
        return result
    for base, _, files in os.walk(folder):
        for f in files:
            path = os.path.join(base, f)
            rel = os.path.relpath(path, folder)
            if names is not None and rel.split(os.sep)[0] not in names:
                continue
            with open(path, "rb") as fh:
                result[rel] = hashlib.sha1(fh.read()).hexdigest()
    return result


def timed(cmd):
    start = time.perf_counter()
    p = run(cmd)
    if p.returncode != 0:
        sys.exit(f"kill-test: {' '.join(cmd)} failed: {p.stderr}")
    return time.perf_counter() - start


def kill_during(cmd, seconds):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    p.send_signal(signal.SIGKILL)
    p.wait()


def old_and_new(folder, old_cmd, new_cmd, fingerprint, saved):
    """Runs new then old into `folder`, keeps a copy of the old output in `saved`: the two
    outputs' fingerprints, a way to put the old output back, and the new run's duration."""
    timed(new_cmd)
    new = fingerprint()
    shutil.rmtree(folder)
    timed(old_cmd)
    old = fingerprint()
    shutil.copytree(folder, saved)

    def restore():
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(saved, folder)

    return old, new, restore, timed(new_cmd)


def campaign(name, restore_old, new_cmd, check, duration):
    rng = random.Random(f"{SEED}-{name}")
    problems, outcomes = [], {}
    for k in range(KILLS):
        restore_old()
        moment = rng.uniform(0, duration * 1.1)
        kill_during(new_cmd, moment)
        verdict = check()
        if verdict.startswith("BAD"):
            problems.append(f"kill {k} at {moment:.3f} s: {verdict}")
        outcomes[verdict] = outcomes.get(verdict, 0) + 1
    summary = ", ".join(f"{v} {n}" for v, n in sorted(outcomes.items()))
    print(f"  {name:<26} {KILLS} kills over {duration * 1.1:.2f} s: {summary}")
    return problems


def main():
    work = tempfile.mkdtemp(prefix="nd-kill-test-")
    problems = []
    try:
        # nd-circuit synth: 10,000 cells (old) rerun as 20,000 (new).
        circuit = os.path.join(work, "circuit")
        outputs = ["nodes.h5", "edges.h5", "morphologies", "models", "node_sets.json", "input_spikes.h5",
                   "simulation_config.json", "circuit_config.json"]
        old_cmd = [tool("nd-circuit"), "synth", "--cells", "10000", "--seed", "1", circuit]
        new_cmd = [tool("nd-circuit"), "synth", "--cells", "20000", "--seed", "2", circuit]
        old, new, restore_circuit, duration = old_and_new(circuit, old_cmd, new_cmd, lambda: snapshot(circuit, outputs),
                                                          os.path.join(work, "circuit-old"))

        def check_circuit():
            now = snapshot(circuit, outputs)
            if now == old:
                return "old"
            if now == new:
                return "new"
            if "circuit_config.json" not in now:
                return "absent"
            return "BAD: a circuit_config.json beside files of another run"

        problems += campaign("nd-circuit synth", restore_circuit, new_cmd, check_circuit, duration)

        # nd-allocate: 300,000 estimate lines, neurodamus's algorithm (old) rerun as refine (new).
        alloc = os.path.join(work, "allocate")
        os.makedirs(alloc)
        estimates = os.path.join(alloc, "estimates.jsonl")
        rng = random.Random(7)
        with open(estimates, "w") as f:
            for i in range(300_000):
                m = rng.randrange(20)
                f.write('{"population":"S1","gid":%d,"metype":"M%d","cell_kb":%.1f,"synapses":%d,"synapse_kb":%.1f}\n'
                        % (i, m, 100 + 10 * m + rng.random(), 1000 + m, 56.0 + rng.random()))
        jsonl = os.path.join(alloc, "allocation.jsonl")
        names = ["allocation.jsonl", "allocation_r100_c4.pkl.gz"]
        base = [tool("nd-allocate"), "--ranks", "100", "--cycles", "4", estimates, "--output-dir", alloc, "-o", jsonl]
        timed(base + ["--algorithm", "refine"])
        new = snapshot(alloc, names)
        timed(base + ["--algorithm", "neurodamus"])
        old = snapshot(alloc, names)
        duration = timed(base + ["--algorithm", "refine"])

        def restore_allocation():
            for n in names:
                if os.path.exists(os.path.join(alloc, n)):
                    os.remove(os.path.join(alloc, n))
            for f in os.listdir(alloc):
                if ".tmp." in f:
                    os.remove(os.path.join(alloc, f))
            timed(base + ["--algorithm", "neurodamus"])

        def check_allocation():
            now = snapshot(alloc, names)
            states = []
            for n in names:
                if n not in now:
                    states.append("absent")
                elif now[n] == old[n]:
                    states.append("old")
                elif now[n] == new[n]:
                    states.append("new")
                else:
                    return f"BAD: {n} is neither run's"
            if set(states) == {"old", "new"}:
                return f"BAD: a mixed pair ({states[0]} JSON-lines, {states[1]} pickle)"
            return "+".join(states)

        problems += campaign("nd-allocate", restore_allocation, base + ["--algorithm", "refine"], check_allocation, duration)

        # nd-instantiate: the example on 2 ranks (old) rerun on 3 ranks x 2 cycles (new);
        # then nd-core on what is there.
        config = os.path.join(ROOT, "examples", "circuit", "simulation_config.json")
        out = os.path.join(work, "instantiate")
        data = os.path.join(out, "coreneuron_input")
        old_cmd = [tool("nd-instantiate"), config, "--output-path", out, "--ranks", "2"]
        new_cmd = [tool("nd-instantiate"), config, "--output-path", out, "--ranks", "3", "--modelbuilding-steps", "2"]

        def spikes():
            sim = os.path.join(work, "sim")
            shutil.rmtree(sim, ignore_errors=True)
            p = run([tool("nd-core"), "-d", data, "-e", "50", "-o", sim])
            if p.returncode != 0:
                return None
            with open(os.path.join(sim, "out.dat"), "rb") as f:
                return hashlib.sha1(f.read()).hexdigest()

        old_spikes, new_spikes, restore_dataset, duration = old_and_new(out, old_cmd, new_cmd, spikes,
                                                                        os.path.join(work, "instantiate-old"))

        def check_dataset():
            s = spikes()
            if s is None:
                return "refused" if not os.path.exists(os.path.join(data, "files.dat")) else "BAD: nd-core failed on a folder with files.dat"
            if s == old_spikes:
                return "old"
            if s == new_spikes:
                return "new"
            return "BAD: spikes of neither run"

        problems += campaign("nd-instantiate + nd-core", restore_dataset, new_cmd, check_dataset, duration)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("  " + p)
    print(f"kill-test: {'FAILED' if problems else 'OK'} (seed {SEED})")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
