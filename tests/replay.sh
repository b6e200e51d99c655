#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The replay command printed at the end reruns the same configuration with
# the same seed: parse it from the output, run it, and get the same seed and
# the same verdict and signatures for deterministic cases (busted_abba ends in
# DEADLOCK; test_deadlock always deadlocks).
source "$(dirname "$0")/lib.sh"

replay_of() {   # the last "replay: CMD" line of a run's stdout
  local line
  line=$(grep -E '^replay: ' "$1.out" | tail -n 1)
  [ -n "$line" ] || fail "no replay line in $1.out"
  echo "${line#replay: }"
}

sigs() { grep -E -o '^signature: [A-Z]+:[0-9a-f]{16}' "$1.err" | sort -u; }

for case in "busted_abba|" "live_refresh|test_deadlock"; do
  scn=${case%|*}
  tgt=${case#*|}
  name=${tgt:-$scn}
  run "$name" 30000 run --scenario "$scn" ${tgt:+--target "$tgt"} --set stall_timeout_ms=500 --report none
  expect_rc 2
  cmd=$(replay_of "$name")
  seed=$(grep -E -m1 -o 'seed [0-9]+' "$name.out" | cut -d' ' -f2)
  [[ $cmd == *" --seed $seed"* ]] || fail "$name: replay command '$cmd' lacks --seed $seed"
  [[ $cmd == *" --set stall_timeout_ms=500"* ]] || fail "$name: replay command '$cmd' lacks the --set"
  # the command names the binary that ran; run it as printed (plus --report)
  eval "set -- $cmd"
  [ "$1" = "$RT_BIN" ] || fail "$name: replay runs '$1', not $RT_BIN"
  shift
  run "$name.replay" 30000 "$@" --report none
  [ "$RC" -eq 2 ] || fail "$name: the replay exited $RC, the original 2"
  grep -q -E "^redirtorture: target ${tgt:-busted}, scenario $scn, seed $seed\$" "$name.replay.out" \
    || fail "$name: the replay did not run with seed $seed"
  [ "$(sigs "$name")" = "$(sigs "$name.replay")" ] \
    || fail "$name: signatures differ: $(sigs "$name" | tr '\n' ' ') vs $(sigs "$name.replay" | tr '\n' ' ')"
  [ "$(replay_of "$name.replay")" = "$cmd" ] || fail "$name: the replay's own replay command differs"
done
pass "replay commands rerun busted_abba and test_deadlock with the same seed, verdict and signatures"
