#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Replay fidelity: every committed repro in corpus/replay/ gives its
# recorded outcome 10 times out of 10: the same signature and exit code
# (DEADLOCK for Rich #4158 on rich_live, SUCCESS for the same scenario on
# rich_live_fixed).  Controlled replays are deterministic, so any miss is
# a failure, not noise.
source "$(dirname "$0")/lib.sh"

CORPUS="$RT_SOURCE_DIR/corpus/replay"
n=0
[ -f "$CORPUS/rich-4158-live-console-abba.repro" ] || fail "the Rich #4158 repro is missing from $CORPUS"
[ -f "$CORPUS/rich-4158-fixed-clean.repro" ] || fail "the fixed-target repro is missing from $CORPUS"
for f in "$CORPUS"/*.repro; do
  # embedded-Python repros (py-*): tests/py/ctl_py_rich.sh, skipped where
  # the build has no Python (sanitizer presets)
  case $(basename "$f") in py-*) continue ;; esac
  verdict=$(sed -n 's/^verdict: //p' "$f")
  sig=$(sed -n 's/^signature: //p' "$f")
  case $verdict in
    SUCCESS) want=0 ;; FINDING) want=1 ;; DEADLOCK) want=2 ;; HANG) want=3 ;;
    *) fail "$(basename "$f"): unknown verdict '$verdict'" ;;
  esac
  for i in $(seq 1 10); do
    run "$(basename "$f" .repro)-$i" "$(scaled 30000)" replay "$f"
    expect_rc "$want"
    expect_verdict "$verdict"
    if [ "$sig" = none ]; then
      expect_in "$LAST.out" '^replay: reproduced no finding \(' "$(basename "$f") run $i: clean outcome"
    else
      grep -F -- "replay: reproduced $sig (" "$LAST.out" >/dev/null ||
        fail "$(basename "$f") run $i: signature differs from the recorded $sig"
    fi
  done
  n=$((n + 1))
done
pass "$n repro files, each reproduced 10 of 10 times"
