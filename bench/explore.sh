#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Controlled exploration benchmark (issue "Deterministic exploration").
#   bash bench/explore.sh [SEEDS]        (default 20 seeds)
# Prints one table, all numbers measured side by side in this run:
#  - controlled executions per second, live_refresh with 8 printing threads
#    + refresh (rich_live_fixed, nothing found, so every run is full length),
#    default build and TSan build;
#  - executions and wall time to the first real deadlock on rich_live per
#    strategy (median over SEEDS seeds; --until-deadlock, so potential-only
#    and integrity findings do not stop the search);
#  - the free-running stress mode on the same scenario: wall time to its
#    DEADLOCK report (which includes the 1 s stall timeout) and to the first
#    potential-deadlock report.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-20}
DEF=build/default/redirtorture
TSAN=build/tsan/redirtorture
cmake --preset default >/dev/null && cmake --build --preset default >/dev/null
if true; then
  cmake --preset tsan >/dev/null && cmake --build --preset tsan >/dev/null || TSAN=""
fi
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { "$PY" -c 'import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.3g}" if v else "n/a")' "$@"; }

rate() {   # rate BIN RUNS -> executions per second
  "$1" explore --scenario live_refresh --target rich_live_fixed --runs "$2" --seed 3 \
    --no-supervisor 2>/dev/null | sed -n 's/^explore: [0-9]* executions\{0,1\} in .* s (\([0-9]*\)\/s).*/\1/p'
}

echo "| measurement | value |"
echo "|---|---|"
r=$(rate "$DEF" 3000)
echo "| controlled executions/s, live_refresh, 8 print threads + refresh, default build | $r |"
if [ -n "$TSAN" ]; then
  rt=$(rate "$TSAN" 300)
  echo "| controlled executions/s, same, TSan build | $rt |"
fi
echo
echo "| mode / strategy (rich_live, live_refresh) | median executions to first deadlock | median wall s | found in |"
echo "|---|---|---|---|"
for st in random pct pos; do
  ex=() ws=() ok=0
  for s in $(seq 1 "$SEEDS"); do
    out=$("$DEF" explore --scenario live_refresh --target rich_live --strategy "$st" --depth 2 \
      --runs 100000 --seed "$s" --until-deadlock --no-supervisor --repro "$tmp/r.repro" 2>/dev/null || true)
    line=$(sed -n 's/^explore: \([0-9]*\) executions\{0,1\} in \([0-9.]*\) s.*/\1 \2/p' <<<"$out")
    if grep -q '^first finding after .* DEADLOCK' <<<"$out"; then
      ok=$((ok + 1)); ex+=("${line% *}"); ws+=("${line#* }")
    fi
  done
  echo "| explore --strategy $st | $(median "${ex[@]}") | $(median "${ws[@]}") | $ok/$SEEDS |"
done
dl=() pot=() ok=0
for s in $(seq 1 "$SEEDS"); do
  t0=$(date +%s%N)
  "$DEF" run --scenario live_refresh --seed "$s" --set confirm_runs=0 --report none \
    >"$tmp/o" 2>"$tmp/e" || true
  t1=$(date +%s%N)
  if grep -q '^End of test: DEADLOCK' "$tmp/o"; then ok=$((ok + 1)); dl+=("$(( (t1 - t0) / 1000000 ))"); fi
  t0=$(date +%s%N)
  "$DEF" run --scenario live_refresh --seed "$s" --set stop_on_potential=1 --set confirm_runs=0 \
    --report none >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  pot+=("$(( (t1 - t0) / 1000000 ))")
done
dls=$(median "${dl[@]}")
echo "| free-running stress: DEADLOCK report (incl. 1 s stall timeout) | 1 run | $("$PY" -c "print(f'{$dls/1000:.3g}')" 2>/dev/null || echo "$dls ms") | $ok/$SEEDS |"
echo "| free-running stress: first potential-deadlock report (whole run) | 1 run | $("$PY" -c "print(f'{$(median "${pot[@]}")/1000:.3g}')") | $SEEDS/$SEEDS |"
