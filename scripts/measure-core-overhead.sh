#!/usr/bin/env bash
# Measures what nd-estimate's RankMemoryModel uses (Sources/NDBalance/RankMemoryModel.swift):
# the peak RSS of an nd-core rank that loads nothing (alone and under mpirun), and the
# ratio of the peak RSS growth to the model bytes on the bundled example (4 ranks, and
# 1 process holding all 4 entries). Run after `make`.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin/nd-instantiate examples/circuit/simulation_config.json --output-path "$tmp" --ranks 4 > /dev/null 2>&1
printf '1.8\n4\n-1\n-1\n-1\n-1\n' > "$tmp/coreneuron_input/empty.dat"
run() { "$@" 2> /dev/null; }
run bin/nd-core -d "$tmp/coreneuron_input" -f "$tmp/coreneuron_input/empty.dat" -o "$tmp/e1" --tstop 0.1
run mpirun --oversubscribe -np 4 bin/nd-core -d "$tmp/coreneuron_input" -f "$tmp/coreneuron_input/empty.dat" -o "$tmp/e4" --tstop 0.1
run bin/nd-core -d "$tmp/coreneuron_input" -o "$tmp/f1" --tstop 0.1
run mpirun --oversubscribe -np 4 bin/nd-core -d "$tmp/coreneuron_input" -o "$tmp/f4" --tstop 0.1
python3 - "$tmp" <<'PY'
import json, statistics, sys
t = sys.argv[1]
load = lambda name: [json.loads(l) for l in open(f"{t}/{name}/memory.jsonl")]
base1 = load("e1")[0]["peak_rss_bytes"]
base4 = statistics.mean(r["peak_rss_bytes"] for r in load("e4"))
f1 = load("f1")[0]
f4 = load("f4")
factor1 = (f1["peak_rss_bytes"] - base1) / f1["model_bytes"]
factor4 = statistics.mean((r["peak_rss_bytes"] - base4) / r["model_bytes"] for r in f4)
print(f"base RSS, process alone: {base1:.0f} bytes; per MPI rank (4 ranks): {base4:.0f} bytes")
print(f"simulation factor: {factor1:.3f} (1 process, 4 entries), {factor4:.3f} (4 ranks, 1 entry each); mean {(factor1 + factor4) / 2:.3f}")
PY
