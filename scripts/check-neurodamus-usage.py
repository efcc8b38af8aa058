#!/usr/bin/env python3
"""cell_memory_usage.json both ways with real neurodamus (pip install neurodamus neuron).

Usage: scripts/check-neurodamus-usage.py SIMULATION_CONFIG
1. nd-estimate writes cell_memory_usage.json; neurodamus's DryRunStats loads it
   (try_import_cell_memory_usage) and checks its three maps.
2. neurodamus writes one (CellMemoryUsage.to_json) with made-up memories for the
   config's metypes; nd-estimate reuses them (cell_kb equal to neurodamus's numbers).
   The file is also written to Tests/NDFormatsTests/Fixtures/neurodamus-cell_memory_usage.json.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from neurodamus.utils.memory import CellMemoryUsage, DryRunStats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
config = os.path.abspath(sys.argv[1])
tmp = tempfile.mkdtemp()
try:
    est = subprocess.run([os.path.join(ROOT, "bin", "nd-estimate"), config, "--output-dir", tmp],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    cwd = os.getcwd()
    os.chdir(tmp)
    stats = DryRunStats()
    stats.try_import_cell_memory_usage()
    os.chdir(cwd)
    usage = stats.cell_memory_usage
    cells = sum(len(g) for m in usage.pop_metype_gids.values() for g in m.values())
    assert usage.preloaded and cells == len(est), (cells, len(est))
    assert all(isinstance(v, float) for v in usage.metype_memory.values())
    print(f"neurodamus loaded nd-estimate's file: {len(usage.metype_memory)} metypes, {cells} cells")

    records = [json.loads(l) for l in est]
    metypes = sorted({r["metype"] for r in records})
    theirs = CellMemoryUsage(
        metype_memory={m: 100.0 + 10 * i for i, m in enumerate(metypes)},
        metype_cell_syn_average={m: 50.0 for m in metypes},
        pop_metype_gids={p: {m: np.array([r["gid"] for r in records if r["population"] == p and r["metype"] == m], dtype="uint32")
                             for m in metypes} for p in sorted({r["population"] for r in records})})
    path = os.path.join(tmp, "neurodamus.json")
    theirs.to_json(path)
    shutil.copy(path, os.path.join(ROOT, "Tests", "NDFormatsTests", "Fixtures", "neurodamus-cell_memory_usage.json"))
    again = subprocess.run([os.path.join(ROOT, "bin", "nd-estimate"), config, "--cell-memory-usage", path,
                            "--output-dir", tmp], check=True, capture_output=True, text=True).stdout.splitlines()
    for line in again:
        r = json.loads(line)
        assert abs(r["cell_kb"] - theirs.metype_memory[r["metype"]]) < 0.05, r
    print(f"nd-estimate reused neurodamus's file: {len(again)} cells at its metype memories")
finally:
    shutil.rmtree(tmp)
