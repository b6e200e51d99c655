#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Malformed scenario files (tests/data/bad/) are rejected with exit 65 and
# exactly one line on stderr: "redirtorture: FILE:LINE: what (expected ...)".
# A file that is well-formed but tolerant (comments, blank lines, tabs, CRLF,
# spaces around '=') is accepted and every value lands.
source "$(dirname "$0")/lib.sh"

BAD="$RT_DATA/bad"
# file | line ("" when the error is about the whole file) | what the message must say
cases=(
  "unknown_key.scn|3|unknown key 'bogus_key' \(expected one of: description, target, seed, "
  "bad_value.scn|2|bad value 'lots' for print_workers \(expected an integer 0\.\.256\)"
  "missing_equals.scn|3|'print_workers 8' is not a setting \(expected key = value\)"
  "missing_key.scn|2|missing key before '=' \(expected key = value\)"
  "bad_key.scn|1|bad key 'print-workers' \(expected letters, digits and _\)"
  "out_of_range.scn|2|bad value '99' for duration_ms \(expected an integer 100\.\.3600000\)"
  "negative_seed.scn|1|bad value '-1' for seed \(expected an unsigned 64-bit integer\)"
  "nul_byte.scn|2|NUL byte in line \(expected text: key = value\)"
  "unknown_target.scn|3|unknown target 'nosuch' \(expected one of: rich_live, rich_live_fixed, busted, "
  "bad_enum.scn|1|bad value 'sometimes' for finalizer_action \(expected one of: log\|print\|mixed\)"
  "bad_bool.scn|1|bad value 'maybe' for noise \(expected a boolean: 0, 1, true, false, on, off\)"
  "long_value.scn|1|value for description is too long \(expected at most 255 characters\)"
  "long_line.scn|2|line too long \(3[0-9]{3} bytes; expected at most 2048\)"
  "no_drivers.scn||no driver threads \(expected print_workers \+ log_workers >= 1\)"
)
n=0
for c in "${cases[@]}"; do
  IFS='|' read -r file line what <<<"$c"
  # the message may contain '|' (bad_enum): everything after the 2nd '|'
  what=${c#*|*|}
  run "$file" 10000 run --scenario "$BAD/$file" --report none
  expect_rc 65
  nl=$(wc -l <"$file.err")
  [ "$nl" -eq 1 ] || fail "$file: $nl lines on stderr, expected exactly one"
  loc="$BAD/$file${line:+:$line}"
  # fixed-string prefix "redirtorture: FILE:LINE: ", then the regex
  msg=$(cat "$file.err")
  case "$msg" in
    "redirtorture: $loc: "*) ;;
    *) fail "$file: message does not start with 'redirtorture: $loc: ': $msg" ;;
  esac
  rest=${msg#"redirtorture: $loc: "}
  [[ $rest =~ ^$what ]] || fail "$file: message '$rest' does not match /^$what/"
  [ ! -s "$file.out" ] || fail "$file: a rejected file must not start a run (stdout not empty)"
  n=$((n + 1))
done

# A missing scenario is bad input too.
run missing 10000 run --scenario no_such_scenario_xyz --report none
expect_rc 65
expect_in missing.err "^redirtorture: .*/no_such_scenario_xyz\.scn: cannot open scenario: No such file or directory \(expected " "missing scenario"

# Tolerant syntax is accepted, and each value is in the effective configuration.
run tolerant 20000 run --scenario "$RT_DATA/good/tolerant.scn" --report none
expect_rc 0
expect_verdict SUCCESS
for kv in "description = tolerant syntax" "target = test_clean" "duration_ms = 300" \
          "print_workers = 3" "log_workers = 1" "refresh_hz = 0" "noise = 0" "finalizer_action = mixed"; do
  expect_in tolerant.out "^  $kv\$" "tolerant.scn: $kv"
done

# Every shipped scenario is valid (`list` marks invalid ones).
run list 10000 list
expect_rc 0
expect_not_in list.out '\(invalid' "redirtorture list"
while read -r scn; do
  case $scn in ''|'#'*) continue ;; esac
  expect_in list.out "^  $scn +target " "scenario $scn from CFLIST listed"
done <"$RT_SOURCE_DIR/scenarios/CFLIST"
pass "$n malformed files rejected with file:line and what was expected; tolerant syntax accepted"
