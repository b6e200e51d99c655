#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The known list cannot rot: every scenario of scenarios/CFLIST runs on every
# buggy target (`redirtorture list` marks them), for RT_KNOWN_MS of virtual
# run time each, and every signature any run reports must be covered by
# corpus/known-signatures.txt (scripts/known-signatures.py, the rule the
# nightly job uses).  A scenario a target cannot run (sessions on a target
# without sessions: exit 65, "no driver threads") is skipped; a target that
# cannot start here (exit 69, py_rich without Python) too.  The stall timeout
# is 3 s (x RT_TIME_SCALE) instead of the scenarios' 1-2 s: on a loaded
# machine a slow phase of the harness itself or a GIL-bound thread can
# otherwise pass for a hang, which says nothing about the list.
# Budget: 6 scenarios x 6 buggy targets, about 30 runs of ~1.5 s each in the
# default build (~60-90 s; a deadlock waits out the stall timeout); the ctest
# TIMEOUT is 600 s (a loaded machine).
# Then the check must be able to fail: with the busted DEADLOCK line removed
# from a copy of the list, the same findings must be reported unknown.
source "$(dirname "$0")/lib.sh"

RUN_MS=${RT_KNOWN_MS:-1000}
KNOWN=$RT_SOURCE_DIR/corpus/known-signatures.txt
CHECK=(/usr/bin/python3 "$RT_SOURCE_DIR/scripts/known-signatures.py")
[ -x /usr/bin/python3 ] || CHECK=(python3 "$RT_SOURCE_DIR/scripts/known-signatures.py")

"${CHECK[@]}" lint "$KNOWN" || fail "corpus/known-signatures.txt does not parse"
targets=$("$RT_BIN" list | sed -n '/^targets:/,/^scenarios/p' | awk '$2 == "buggy" {print $1}')
[ -n "$targets" ] || fail "no buggy target in 'redirtorture list'"
: >found.txt
nrun=0 nskip=0
while read -r scn; do
  case $scn in ''|'#'*) continue ;; esac
  for t in $targets; do
    run "$scn-$t" "$(scaled 30000)" run --scenario "$scn" --target "$t" \
      --set "duration_ms=$RUN_MS" --set "stall_timeout_ms=$(scaled 3000)" --report "$scn-$t.json"
    if { [ "$RC" -eq 64 ] || [ "$RC" -eq 65 ]; } && grep -q 'no driver threads' "$LAST.err"; then
      nskip=$((nskip + 1)); continue   # a sessions scenario on a target without sessions
    fi
    if [ "$RC" -eq 69 ]; then nskip=$((nskip + 1)); continue; fi
    case $RC in 0|1|2|3) ;; *) fail "$scn on $t: exit $RC" ;; esac
    [ -f "$scn-$t.json" ] || fail "$scn on $t: no JSON report"
    "$PY" - "$scn-$t.json" "$t" >>found.txt <<'PYEOF' || fail "$scn on $t: bad JSON report"
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(sys.argv[2], f["signature"])
PYEOF
    nrun=$((nrun + 1))
  done
done <"$RT_SOURCE_DIR/scenarios/CFLIST"
LAST=""
sort -u found.txt >found-unique.txt
[ "$nrun" -ge 6 ] || fail "only $nrun runs ($nskip skipped)"
grep -q '^busted DEADLOCK:' found-unique.txt || fail "busted's ABBA deadlock was not found: the runs are not doing their job"

set +e
"${CHECK[@]}" check "$KNOWN" found-unique.txt >unknown.txt 2>check.err
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  cat check.err unknown.txt >&2
  fail "signatures missing from corpus/known-signatures.txt (add the lines above once each is understood)"
fi

# the check can fail: drop the busted DEADLOCK line from a copy
grep -v '^busted DEADLOCK:' "$KNOWN" >known-minus.txt
set +e
"${CHECK[@]}" check known-minus.txt found-unique.txt >unknown2.txt 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q '^unknown: busted DEADLOCK:' unknown2.txt ||
  fail "the check did not report a finding missing from the list (exit $rc)"
pass "$nrun runs ($nskip not applicable), $(wc -l <found-unique.txt) distinct findings, all in corpus/known-signatures.txt"
