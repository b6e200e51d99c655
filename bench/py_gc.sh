#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/py_gc.sh (`make bench-py`): real Rich #4158 with CPython's own GC
# timing vs. the harness choosing collection points (knob py_gc_pct,
# harness/pygc.c), side by side in one run: RUNS runs of each, alternating,
# of `run --scenario live_refresh --target py_rich` (8 workers, 10 s, stall
# timeout 1 s).  Per configuration: runs that ended in DEADLOCK, and times
# from process launch (bench/timeline.py) to the first lock-order report
# on the Live._lock/Console._lock cycle and to the DEADLOCK report.
# LOAD busy-looping processes run meanwhile (a loaded CI machine: that is
# where CPython's own timing misses most).
# Knobs (environment): RUNS=100 (about 6 min) PCTS="0 5" LOAD=2
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-100}
PCTS=${PCTS:-0 5}
LOAD=${LOAD:-2}
DEF=build/default/redirtorture
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

bash scripts/install-deps.sh
cmake --preset default >/dev/null && cmake --build --preset default >/dev/null
out=build/bench
mkdir -p "$out"
: >"$out/py_gc.jsonl"
t_start=$(date +%s)
hogs=()
for _ in $(seq 1 "$LOAD"); do sh -c 'while :; do :; done' & hogs+=($!); done
trap '[ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null' EXIT
LO='^signature: LOCKORDER:[0-9a-f]+ rich/console\.py:731 Console\._lock -> rich/live\.py:76 Live\._lock -> rich/console\.py:731 Console\._lock'
for i in $(seq 1 "$RUNS"); do
  for pct in $PCTS; do   # alternate, so drift in machine load hits all alike
    line=$($PY bench/timeline.py --timeout 60 --pattern "lockorder=$LO" --pattern 'deadlock=^DEADLOCK: ' \
      --pattern 'nostart=cannot start' \
      -- "$DEF" run --scenario live_refresh --target py_rich --set py_gc_pct="$pct" --report none)
    if [[ $line == *'"nostart": '[0-9]* ]]; then
      echo "bench-py: py_rich cannot start (no embedded Python or Rich); see docs/py-targets.md" >&2
      exit 69
    fi
    printf '{"pct": %s, "t": %s}\n' "$pct" "$line" >>"$out/py_gc.jsonl"
  done
  printf 'bench-py: %d/%d\r' "$i" "$RUNS" >&2
done
echo >&2
[ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null
hogs=()
elapsed=$(( $(date +%s) - t_start ))
"$PY" - "$out/py_gc.jsonl" "$elapsed" "$LOAD" <<'PYEOF' | tee "$out/py_gc.md"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
pcts = sorted({r["pct"] for r in rows})
def times(pct, key):
    return [r["t"]["first"][key] for r in rows if r["pct"] == pct and r["t"]["first"].get(key) is not None]
def med(v):
    return f"{statistics.median(v):.2f} s (max {max(v):.2f})" if v else "-"
print(f"py_rich, live_refresh (8 workers, 10 s runs), {sys.argv[3]} busy-looping processes alongside; "
      f"total {sys.argv[2]} s")
print()
print("| py_gc_pct | runs | DEADLOCK | lock-order report: median (max) | DEADLOCK report: median (max) |")
print("|---:|---:|---:|---|---|")
base = None
for p in pcts:
    n = sum(1 for r in rows if r["pct"] == p)
    dl, lo = times(p, "deadlock"), times(p, "lockorder")
    print(f"| {p}{' (CPython timing)' if p == 0 else ''} | {n} | {len(dl)}/{n} | {med(lo)} | {med(dl)} |")
    if p == 0:
        base = (len(dl) / n if n else 0, statistics.median(dl) if dl else None)
if base and len(pcts) > 1:
    print()
    for p in pcts:
        if p == 0:
            continue
        n = sum(1 for r in rows if r["pct"] == p)
        dl = times(p, "deadlock")
        rate = len(dl) / n if n else 0
        miss0, miss = 1 - base[0], 1 - rate
        ratio = f"{statistics.median(dl) / base[1]:.2f}" if dl and base[1] else "-"
        print(f"py_gc_pct={p} vs 0: missed runs {miss:.0%} vs {miss0:.0%}; median time to DEADLOCK ratio {ratio}")
PYEOF
echo "bench-py: raw results in $out/py_gc.jsonl" >&2
