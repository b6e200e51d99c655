#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad input (issue 11, items 8 and 9): every scenario, repro or session-script
# error is exit 65 and exactly one line on stderr,
#   redirtorture: FILE:LINE: what (expected ...)     or, about the whole file,
#   redirtorture: FILE: what (expected ...)
# never cut (it ends with its closing parenthesis; the unknown-key list runs
# to the last knob), control bytes of the input escaped (\r, \x1b), and in
# bounded time: a directory, a FIFO (used to block for ever in fopen) and an
# unreadable file (/proc/self/mem used to run with all defaults, exit 0) are
# refused.  Exit 65 also when --target is given (it used to be 64).
source "$(dirname "$0")/lib.sh"

last_knob=$("$RT_BIN" knobs | awk 'NF { k = $1 } END { print k }')
long=$(printf 'x%.0s' $(seq 1 300))
mkdir dir.scn dir.repro
mkfifo fifo.scn fifo.repro fifo.script
printf 'print_workers = 2\nbogus_key_%s = 1\n' "$long" >unknown_long.scn
printf 'bo\rgus\033[31m = 1\n' >ctl_key.scn
printf 'description = x\nprint_workers = 1\a\033]0;title\a\n' >ctl_value.scn
printf 'print_workers = 0\nlog_workers = 0\n' >no_drivers.scn
printf 'target = test_clean\nsession_script = s.script\n' >script_needs_sessions.scn
printf 'description = %s\n' "$long" >long_value.scn
: >empty.repro
printf 'format: redirtorture-repro 1\nverdict: \033[2J\rDEADLOCK\nbogus\033[31m: 1\n' >ctl_field.repro
sed 's/^choices: .*/choices: 99999/' "$RT_SOURCE_DIR/corpus/replay/busted-abba.repro" >count.repro
bad_path=$(printf 'no\rsuch\033[1m.scn')

# name | origin | ":N" line or "" | regex the rest must match | command...
cases=(
  "dir|$WORK/dir.scn||cannot read scenario: a directory, not a regular file \(expected |run --scenario $WORK/dir.scn --report none"
  "fifo|$WORK/fifo.scn||cannot read scenario: a FIFO, not a regular file \(expected |run --scenario $WORK/fifo.scn --report none"
  "procmem|/proc/self/mem||cannot read scenario: Input/output error \(expected |run --scenario /proc/self/mem --report none"
  "missing|$WORK/no\\rsuch\\x1b[1m.scn||cannot open scenario: No such file or directory \(expected |run --scenario $WORK/$bad_path --report none"
  "unknown_long|$WORK/unknown_long.scn|:2|unknown key 'bogus_key_x{47}\.\.\.' \(expected one of: description, .*, $last_knob\)$|run --scenario $WORK/unknown_long.scn --report none"
  "ctl_key|$WORK/ctl_key.scn|:1|bad key 'bo\\\\rgus\\\\x1b\[31m' \(expected letters, digits and _\)$|run --scenario $WORK/ctl_key.scn --report none"
  "ctl_value|$WORK/ctl_value.scn|:2|bad value '1\\\\x07\\\\x1b\]0;title\\\\x07' for print_workers \(expected an integer 0\.\.[0-9]+\)$|run --scenario $WORK/ctl_value.scn --report none"
  "long_value|$WORK/long_value.scn|:1|value for description is too long \(expected at most 255 characters\)$|run --scenario $WORK/long_value.scn --report none"
  "no_drivers_target|$WORK/no_drivers.scn||no driver threads \(expected print_workers \+ log_workers >= 1\)$|run --scenario $WORK/no_drivers.scn --target test_clean --report none"
  "script_target|$WORK/script_needs_sessions.scn||session_script needs a session target \(expected .*\)$|run --scenario $WORK/script_needs_sessions.scn --target rich_live --report none"
  "repro_dir|dir.repro||cannot read repro file: a directory, not a regular file \(expected |replay dir.repro"
  "repro_fifo|fifo.repro||cannot read repro file: a FIFO, not a regular file \(expected |replay fifo.repro"
  "repro_empty|empty.repro||empty file \(expected a repro file\)$|minimize empty.repro"
  "repro_count|count.repro||truncated: 'choices' says 99999 but the schedule has [0-9]+ \(expected .*\)$|replay count.repro"
  "repro_ctl|ctl_field.repro|:3|unknown field 'bogus\\\\x1b\[31m' \(expected one of: .*\)$|replay ctl_field.repro"
  "script_fifo|fifo.script||cannot read session script: a FIFO, not a regular file \(expected a file of 'ACTOR op' lines\)$|run --scenario run_mode_sessions --set session_script=fifo.script --set duration_ms=500 --report none"
)
n=0
for c in "${cases[@]}"; do
  IFS='|' read -r name origin line want cmd <<<"$c"
  # shellcheck disable=SC2086  # the command is words; the one odd path is $bad_path
  if [ "$name" = missing ]; then
    run "$name" "$(scaled 10000)" run --scenario "$WORK/$bad_path" --report none
  else
    run "$name" "$(scaled 10000)" $cmd
  fi
  expect_rc 65
  expect_ms_below "$(scaled 5000)" "$name: refused at once"
  [ "$(wc -l <"$name.err")" -eq 1 ] || fail "$name: $(wc -l <"$name.err") lines on stderr, expected one"
  if LC_ALL=C tr -d '\n' <"$name.err" | LC_ALL=C grep -q '[[:cntrl:]]'; then
    fail "$name: raw control bytes on stderr: $(od -c "$name.err" | head -3)"
  fi
  msg=$(cat "$name.err")
  case "$msg" in
    "redirtorture: $origin$line: "*) ;;
    *) fail "$name: does not start with 'redirtorture: $origin$line: ': $msg" ;;
  esac
  rest=${msg#"redirtorture: $origin$line: "}
  [[ $rest =~ ^$want ]] || fail "$name: '$rest' does not match /^$want/"
  [[ $msg == *")" ]] || fail "$name: the line does not end with its closing parenthesis (cut?)"
  # (a session script is read when the run starts, in the scenario process)
  [ "$name" = script_fifo ] || [ ! -s "$name.out" ] || fail "$name: a run started"
  n=$((n + 1))
done
pass "$n bad inputs: exit 65, one line FILE[:LINE]: what (expected ...), escaped, not cut, at once"
