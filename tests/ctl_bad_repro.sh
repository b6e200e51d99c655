#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Malformed, truncated or foreign-version repro files are rejected with one
# line naming the file and line ("FILE:LINE: "), or only the file for what is
# wrong with the whole file ("FILE: ": truncated, empty), exit 65.
source "$(dirname "$0")/lib.sh"

good="$RT_SOURCE_DIR/corpus/replay/busted-abba.repro"
n=0
check() {   # check NAME EXPECTED-REGEX [whole]  (file NAME.repro in $WORK)
  run "$1" "$(scaled 10000)" replay "$1.repro"
  expect_rc 65
  [ "$(wc -l <"$1.err")" -eq 1 ] || fail "$1: error is not one line"
  local at=":[0-9]+"
  [ "${3:-}" != whole ] || at=""
  expect_in "$1.err" "^redirtorture: $1\\.repro$at: $2" "$1"
  n=$((n + 1))
}
sed '$d' "$good" >truncated.repro                     # no "end"
check truncated "truncated: no 'end' line \\(expected " whole
sed 's/^format: .*/format: redirtorture-repro 2/' "$good" >version.repro
check version "format 'redirtorture-repro 2' is not supported \\(expected redirtorture-repro 1\\)"
sed 's/^schedule:$/schedule:\nzz.q1/' "$good" >badentry.repro
check badentry "bad schedule entry 'zz.q1'"
sed 's/^depth: .*/colour: blue/' "$good" >unknown.repro
check unknown "unknown field 'colour' \\(expected one of: "
sed 's/^config: print_workers = .*/config: print_workers = lots/' "$good" >badvalue.repro
check badvalue "bad value 'lots' for print_workers \\(expected an integer"
sed 's/^choices: .*/choices: 99999/' "$good" >count.repro
check count "truncated: 'choices' says 99999" whole
: >empty.repro
check empty "empty file" whole
printf 'not a repro\n' >garbage.repro
check garbage "'not a repro' is not a field"
pass "$n malformed repro files rejected with file:line"
