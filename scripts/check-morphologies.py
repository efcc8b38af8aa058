#!/usr/bin/env python3
"""Compares nd-circuit's morphology reading with MorphIO (pip install morphio).

Usage: scripts/check-morphologies.py FILE...   (SWC, ASC or HDF5 morphologies)
For every file: section count, per-section types, parents and point counts, and the
soma points must be the same. Exit 1 on any difference.
"""
import json
import os
import subprocess
import sys

import morphio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
files = sys.argv[1:]
out = subprocess.run([os.path.join(ROOT, "bin", "nd-circuit"), "morphology", "--sections"] + files,
                     check=True, capture_output=True, text=True).stdout
morphio.set_maximum_warnings(0)
bad = 0
for line in out.splitlines():
    ours = json.loads(line)
    m = morphio.Morphology(ours["file"])
    ref = {
        "sections": len(m.sections),
        "section_types": [int(s.type) for s in m.sections],
        "section_parents": [-1 if s.is_root else s.parent.id for s in m.sections],
        "section_points": [len(s.points) for s in m.sections],
        "soma_points": len(m.soma.points),
    }
    diffs = [k for k in ref if ref[k] != ours[k]]
    print(f"{'OK  ' if not diffs else 'DIFF'} {ours['file']}: {ours['sections']} sections, "
          f"{ours['points']} points" + (f" — differs in {', '.join(diffs)}" if diffs else ""))
    bad += bool(diffs)
sys.exit(1 if bad else 0)
