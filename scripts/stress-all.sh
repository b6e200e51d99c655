#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run every scenario named in scenarios/CFLIST once and print a table of
# verdicts (`make stress-all`; also fit for a nightly job).
#   bash scripts/stress-all.sh BIN [extra `run` arguments, e.g. --set duration_ms=2000]
# Each scenario runs against its own target; a target marked "buggy" in
# `redirtorture list` is expected to fail (exit 1-3), any other to pass (0);
# exit 69 (the target cannot start here, e.g. py_rich without Python) is "skip".
# Reports go to build/reports/stress-all/SCENARIO.json.  Exit status: 0 when
# every verdict is as expected, 1 otherwise.
set -euo pipefail
BIN=${1:?usage: stress-all.sh BIN [run args...]}
shift
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
cd "$(dirname "$0")/.."
outdir=build/reports/stress-all
mkdir -p "$outdir"

declare -A buggy=()
while read -r name flag _; do
  [ "$flag" = buggy ] && buggy[$name]=1
done < <("$BIN" list | sed -n '/^targets:/,/^scenarios/p' | grep '^  ')

rows=()
bad=0
while read -r scn; do
  case $scn in ''|'#'*) continue ;; esac
  log="$outdir/$scn.log"
  t0=$(date +%s%N)
  set +e
  "$BIN" run --scenario "$scn" --report "$outdir/$scn.json" "$@" >"$log" 2>&1
  rc=$?
  set -e
  secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  target=$(grep -m1 -E -o '^redirtorture: target [^,]+' "$log" | awk '{print $3}' || true)
  verdict=$(tail -n 1 "$log" | sed -n 's/^End of test: //p')
  sigs=$(grep -E -o '^signature: [A-Z]+:[0-9a-f]{16} .*' "$log" | sed 's/^signature: //; s/:[0-9a-f]\{16\}//' \
         | sort -u | head -n 3 | paste -sd ';' - || true)
  if [ "$rc" -eq 69 ]; then   # target cannot start here (e.g. py_rich without Python)
    want="-"; ok=skip
  elif [ -n "${buggy[$target]:-}" ]; then
    want="finding"; case $rc in 1|2|3) ok=yes ;; *) ok=NO ;; esac
  else
    want="SUCCESS"; [ "$rc" -eq 0 ] && ok=yes || ok=NO
  fi
  if [ "$ok" = NO ]; then bad=1; fi
  rows+=("$scn|${target:-?}|${verdict:-?}|$rc|$secs|$want|$ok|${sigs:--}")
done <scenarios/CFLIST

printf '%-18s %-16s %-9s %4s %7s  %-8s %-3s  %s\n' scenario target verdict exit seconds expected ok findings
for r in "${rows[@]}"; do
  IFS='|' read -r a b c d e f g h <<<"$r"
  printf '%-18s %-16s %-9s %4s %7s  %-8s %-3s  %s\n' "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h"
done
echo "reports and logs: $outdir/"
exit "$bad"
