#!/usr/bin/env bash
# Seeded mutational fuzzing of every parser (nd-fuzz; `make fuzz`, and a short pass in
# `make test`). For each parser: FUZZ_COUNT inputs made from FUZZ_SEED, each parsed in
# process with a FUZZ_TIMEOUT-second alarm; every FUZZ_TOOL_EVERY-th also given to the
# tool that reads it (exit 0, 1 or 64; on 1 the message names the file). When nd-fuzz
# dies of a signal the input is kept under FUZZ_WORK/crashes/ (SIGALRM: a hang) and the
# run goes on at the next index; one that libhdf5 crashes on and HDF5CrashGuard turns into
# exit 1 naming the file is counted as an error (and said on the parser's line). An error
# of a kind no bad input should give (NDError.Kind system, usage, diverged) is
# "unexpected". Prints one line per parser; exits 1 on any signal, hang, unexpected error
# or tool failure.
#
#   FUZZ_COUNT (10000) FUZZ_SEED (1) FUZZ_PARSERS (all: nd-fuzz list) FUZZ_TOOL_EVERY (50)
#   FUZZ_TIMEOUT (5) FUZZ_WORK (.fuzz) ND_BIN (bin) ND_FUZZ (the build folder's nd-fuzz)
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COUNT="${FUZZ_COUNT:-10000}"
SEED="${FUZZ_SEED:-1}"
TOOL_EVERY="${FUZZ_TOOL_EVERY:-50}"
TIMEOUT="${FUZZ_TIMEOUT:-5}"
WORK="${FUZZ_WORK:-$ROOT/.fuzz}"
BIN="${ND_BIN:-$ROOT/bin}"
FUZZ="${ND_FUZZ:-$(cd "$ROOT" && swift build -c release --show-bin-path)/nd-fuzz}"
[ -x "$FUZZ" ] || { echo "fuzz.sh: no nd-fuzz at $FUZZ (make build)"; exit 1; }
PARSERS="${FUZZ_PARSERS:-$("$FUZZ" list)}"
mkdir -p "$WORK/crashes"

status=0
for p in $PARSERS; do
  idx=0; tried=0; errors=0; unexp=0; signals=0; hangs=0; truns=0; tbad=0; caught=0
  t0=$(date +%s.%N)
  rm -f "$WORK/$p.current"
  while [ "$idx" -lt "$COUNT" ]; do
    "$FUZZ" "$p" --root "$ROOT" --work "$WORK" --seed "$SEED" --start "$idx" --count $((COUNT - idx)) \
      --bin "$BIN" --tool-every "$TOOL_EVERY" --timeout "$TIMEOUT" >"$WORK/$p.out" 2>"$WORK/$p.err"
    rc=$?
    grep -a -v '^RESULT ' "$WORK/$p.out"
    if [ "$rc" -eq 0 ]; then
      read -r t e u r b < <(sed -n 's/^RESULT .* tried=\([0-9]*\) errors=\([0-9]*\) unexpected=\([0-9]*\) tool_runs=\([0-9]*\) tool_bad=\([0-9]*\)$/\1 \2 \3 \4 \5/p' "$WORK/$p.out")
      tried=$((tried + t)); errors=$((errors + e)); unexp=$((unexp + u)); truns=$((truns + r)); tbad=$((tbad + b))
      break
    fi
    # libhdf5 crashed on the input and HDF5CrashGuard turned the crash into the error
    # every bad input gets (exit 1, the file named): an error, not a signal; go on after it.
    if [ "$rc" -eq 1 ] && [ -f "$WORK/$p.current" ] && grep -q 'corrupt or truncated HDF5 file (reading it crashed)' "$WORK/$p.err"; then
      read -r i t e u r b <"$WORK/$p.current"
      tried=$((tried + t + 1)); errors=$((errors + e + 1)); unexp=$((unexp + u)); truns=$((truns + r)); tbad=$((tbad + b)); caught=$((caught + 1))
      rm -f "$WORK/$p.current"
      idx=$((i + 1))
      continue
    fi
    if [ ! -f "$WORK/$p.current" ] || [ "$rc" -le 128 ]; then
      echo "$p: nd-fuzz failed (exit $rc):"; tail -5 "$WORK/$p.err"; status=1; break
    fi
    # Died on input i: keep it, count it, go on after it.
    read -r i t e u r b <"$WORK/$p.current"
    tried=$((tried + t + 1)); errors=$((errors + e)); unexp=$((unexp + u)); truns=$((truns + r)); tbad=$((tbad + b))
    sig=$((rc - 128))
    kept="$WORK/crashes/$p-seed$SEED-$i"
    rm -rf "$kept"; mkdir -p "$kept"
    cp -r "$WORK/$p/input/." "$kept/"
    [ -d "$WORK/$p/circuit" ] && cp -rL "$WORK/$p/circuit/node_sets.json" "$WORK/$p/circuit/models" "$kept/" 2>/dev/null
    cp "$WORK/$p.err" "$kept.stderr.txt"
    if [ "$sig" -eq 14 ]; then hangs=$((hangs + 1)); what="hang (over ${TIMEOUT} s)"; else signals=$((signals + 1)); what="signal $sig"; fi
    echo "$p: input $i: $what: $( (grep -m1 'Fatal error' "$WORK/$p.err" || grep -A3 'crashed:' "$WORK/$p.err" | grep -v '\[system\]' | grep -m1 ' at /') | sed 's/^ *//' | cut -c1-220) (kept in $kept)"
    rm -f "$WORK/$p.current"
    idx=$((i + 1))
  done
  secs=$(echo "$(date +%s.%N) - $t0" | bc)
  printf '%-20s %7d inputs %7d errors %3d unexpected %3d signals %3d hangs   tools: %4d run %3d bad   %6.1f s%s\n' \
    "$p" "$tried" "$errors" "$unexp" "$signals" "$hangs" "$truns" "$tbad" "$secs" \
    "$([ "$caught" -gt 0 ] && echo "   ($caught of the errors: libhdf5 crashes caught by HDF5CrashGuard)")"
  if [ $((unexp + signals + hangs + tbad)) -gt 0 ]; then status=1; fi
done
exit $status
