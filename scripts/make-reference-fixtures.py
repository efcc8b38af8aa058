#!/usr/bin/env python3
"""Regenerates the end-to-end fixtures from the reference python tools.

Usage: scripts/make-reference-fixtures.py REF_TOOLS_DIR

REF_TOOLS_DIR holds neurodamus's tools/rebalance-corenrn-data.py, rebalance-stats.py and
toolbox.py (not part of this repository; they need numpy). For every case below this
writes Tests/EndToEndTests/Fixtures/<case>/:
  files.dat            the input index, verbatim
  sizes.txt            "<entry> <bytes>" per data file <entry>_2.dat (made sparse by the tests)
  rebalance.args       the nd-rebalance / rebalance-corenrn-data.py arguments, one per line
  stats.args           the nd-stats / rebalance-stats.py arguments (runs on the rebalanced file)
  stats-input.args     the same on the input files.dat
  expected-rebalanced.dat, expected-rebalance.stdout, expected-stats.stdout,
  expected-stats-input.stdout   what the reference wrote (stdout without its progress lines)
The tools run in a scratch folder holding data/ (the entries) and write out.dat there.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

MiB = 1024 * 1024
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "EndToEndTests", "Fixtures")


def padded(n):
    return f"{n:10d}"


def case_many_equal():
    rng = random.Random(1)
    entries = [str(i) for i in range(60)]
    sizes = {e: rng.choice([1, 2, 3]) * MiB for e in entries}
    text = "1.8\n" + padded(60) + "\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["3", "--ranks-per-machine", "4", "--histogram"], ["3", "--ranks-per-machine", "4"]


def case_count_smaller():
    rng = random.Random(2)
    entries = [str(i * 7 + 3) for i in range(30)]
    sizes = {e: rng.randint(1, 50) * 100_000 for e in entries}
    text = "1.8\n" + padded(20) + "\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["2", "--ranks-per-machine", "3"], ["2", "--ranks-per-machine", "3"]


def case_max_entries_zero():
    rng = random.Random(3)
    entries = [str(1000 + i) for i in range(25)]
    sizes = {e: int(rng.lognormvariate(16, 0.8)) for e in entries}
    text = "1.8\n10\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["4", "--ranks-per-machine", "5", "--max-entries", "0", "--histogram"], \
        ["4", "--ranks-per-machine", "5"]


def case_one_machine():
    rng = random.Random(4)
    entries = [str(i) for i in range(23)]
    sizes = {e: rng.randint(0, 9) * MiB + rng.randint(0, 1000) for e in entries}
    text = "1.8\n" + padded(23) + "\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["1", "--ranks-per-machine", "7", "--histogram"], ["1", "--ranks-per-machine", "7"]


def case_unfillable_machines():
    entries = [str(i) for i in range(10)]
    sizes = {e: (400 * MiB if e == "0" else 10 * MiB) for e in entries}
    text = "1.8\n" + padded(10) + "\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["3", "--ranks-per-machine", "2", "--histogram"], ["3", "--ranks-per-machine", "2"]


def case_neuron_like():
    # Two model-building cycles on 80 ranks: ids are the smallest gid of each group.
    rng = random.Random(5)
    entries = [str(c * 100000 + r * 37) for c in range(2) for r in range(80)]
    sizes = {e: int(rng.lognormvariate(17.5, 0.6)) for e in entries}
    text = "1.8\n160\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["2", "--ranks-per-machine", "40", "--histogram"], ["2", "--ranks-per-machine", "40"]


def case_all_equal():
    entries = [str(i) for i in range(8)]
    sizes = {e: 5 * MiB for e in entries}
    text = "1.8\n" + padded(8) + "\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["2", "--ranks-per-machine", "4", "--histogram"], ["2", "--ranks-per-machine", "4"]


def case_bin_edges():
    # 41 entries of k MiB, k = 0..40, one per rank: every load sits on a bin edge.
    entries = [str(k) for k in range(41)]
    sizes = {e: int(e) * MiB for e in entries}
    text = "1.8\n" + padded(41) + "\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["41", "--ranks-per-machine", "1", "--histogram"], ["41", "--ranks-per-machine", "1"]


def case_one_entry_per_machine():
    entries = ["3", "1", "2"]
    sizes = {"3": 7 * MiB, "1": 7 * MiB, "2": 9 * MiB}
    text = "1.8\n" + padded(3) + "\n" + "".join(e + "\n" for e in entries)
    return text, sizes, ["3", "--ranks-per-machine", "1", "--histogram"], ["3", "--ranks-per-machine", "1"]


CASES = {
    "many-equal-sizes": case_many_equal,
    "count-smaller-than-entries": case_count_smaller,
    "max-entries-zero": case_max_entries_zero,
    "one-machine": case_one_machine,
    "unfillable-machines": case_unfillable_machines,
    "neuron-like-two-cycles": case_neuron_like,
    "all-equal": case_all_equal,
    "values-on-bin-edges": case_bin_edges,
    "one-entry-per-machine": case_one_entry_per_machine,
}


def make_data(folder, text, sizes):
    data = os.path.join(folder, "data")
    os.makedirs(data)
    with open(os.path.join(data, "files.dat"), "w") as f:
        f.write(text)
    for entry, size in sizes.items():
        with open(os.path.join(data, f"{entry}_2.dat"), "wb") as f:
            f.truncate(size)


def strip_progress(stdout):
    return "".join(line for line in stdout.splitlines(keepends=True)
                   if not line.startswith(("Processing ", "Reading from input file")))


def run(ref, script, args, cwd):
    proc = subprocess.run([sys.executable, os.path.join(ref, script)] + args, cwd=cwd,
                          capture_output=True, text=True, check=True)
    return strip_progress(proc.stdout)


def main():
    ref = os.path.abspath(sys.argv[1])
    for name, make in CASES.items():
        text, sizes, rebalance_args, stats_args = make()
        out = os.path.join(ROOT, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        with tempfile.TemporaryDirectory() as tmp:
            make_data(tmp, text, sizes)
            rargs = ["data/files.dat"] + rebalance_args + ["--output-file", "out.dat"]
            rstdout = run(ref, "rebalance-corenrn-data.py", rargs, tmp)
            sargs = ["out.dat"] + stats_args + ["--dat-path", "data"]
            sstdout = run(ref, "rebalance-stats.py", sargs, tmp)
            iargs = ["data/files.dat"] + stats_args
            istdout = run(ref, "rebalance-stats.py", iargs, tmp)
            shutil.copy(os.path.join(tmp, "out.dat"), os.path.join(out, "expected-rebalanced.dat"))
        with open(os.path.join(out, "files.dat"), "w") as f:
            f.write(text)
        with open(os.path.join(out, "sizes.txt"), "w") as f:
            f.write("".join(f"{e} {s}\n" for e, s in sizes.items()))
        for fname, content in [("rebalance.args", rargs), ("stats.args", sargs), ("stats-input.args", iargs)]:
            with open(os.path.join(out, fname), "w") as f:
                f.write("".join(a + "\n" for a in content))
        for fname, content in [("expected-rebalance.stdout", rstdout), ("expected-stats.stdout", sstdout),
                               ("expected-stats-input.stdout", istdout)]:
            with open(os.path.join(out, fname), "w") as f:
                f.write(content)
        print(f"{name}: {len(sizes)} entries")


if __name__ == "__main__":
    main()
