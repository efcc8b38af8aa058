#!/usr/bin/env python3
"""Writes Tests/EndToEndTests/AllocationFixtures/ with real neurodamus (pip install neurodamus neuron).

cell_memory_usage.json comes from nd-estimate on the bundled example; for each (R, C)
below, neurodamus's DryRunStats.distribute_cells_with_validation(R, C) writes
allocation_rR_cC.pkl.gz (its own pickle: defaultdicts and an array.array subclass). The
tests allocate the same input with nd-allocate --algorithm neurodamus and compare, and
read neurodamus's pickles with --from.
"""
import os
import shutil
import subprocess
import tempfile

from neurodamus.utils.memory import DryRunStats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "EndToEndTests", "AllocationFixtures")
CASES = [(3, 2), (4, 1), (7, 3), (16, 1), (1, 1)]


def main():
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run([os.path.join(ROOT, "bin", "nd-estimate"), os.path.join(ROOT, "examples", "circuit", "simulation_config.json"),
                        "--output-dir", tmp], check=True, capture_output=True)
        shutil.copy(os.path.join(tmp, "cell_memory_usage.json"), os.path.join(OUT, "cell_memory_usage.json"))
        cwd = os.getcwd()
        os.chdir(tmp)
        for ranks, cycles in CASES:
            stats = DryRunStats()
            stats.try_import_cell_memory_usage()
            stats.distribute_cells_with_validation(ranks, cycles)
            name = f"allocation_r{ranks}_c{cycles}.pkl.gz"
            shutil.copy(name, os.path.join(OUT, name))
            print(name)
        os.chdir(cwd)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
