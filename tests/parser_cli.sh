#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad command lines exit 64 with one line on stderr that says what was
# expected; nothing runs.  `help`, `list`, `knobs` exit 0.
source "$(dirname "$0")/lib.sh"

# args (tab-separated) | message regex
cases=(
  "run	--bogus|^redirtorture: unknown option '--bogus' for run \(expected --scenario, "
  "run	--scenario|^redirtorture: option '--scenario' needs a value"
  "run|^redirtorture: run needs --scenario NAME\|FILE"
  "frobnicate|^redirtorture: unknown command 'frobnicate' \(expected run, "
  "run	--scenario	live_refresh	--set	print_workers|^redirtorture: --set 'print_workers' is not KEY=VALUE"
  "run	--scenario	live_refresh	--set	nope=1|^redirtorture: --set: unknown key 'nope' \(expected one of: description, "
  "run	--scenario	live_refresh	--set	print_workers=-1|^redirtorture: --set: bad value '-1' for print_workers \(expected an integer 0\.\.256\)"
  "run	--scenario	live_refresh	--set	duration_ms=5s|^redirtorture: --set: bad value '5s' for duration_ms \(expected an integer "
  "run	--scenario	live_refresh	--target	nosuch|^redirtorture: --target: unknown target 'nosuch' \(expected one of: rich_live, "
  "run	--scenario	live_refresh	--seed	xyz|^redirtorture: --seed: 'xyz' is not a number \(expected 0\.\.18446744073709551615\)\$"
)
n=0
for c in "${cases[@]}"; do
  argstr=${c%%|*}
  what=${c#*|}
  IFS=$'\t' read -r -a args <<<"$argstr"
  name="cli$n"
  run "$name" 10000 "${args[@]}"
  expect_rc 64
  nl=$(wc -l <"$name.err")
  [ "$nl" -eq 1 ] || fail "'${args[*]}': $nl lines on stderr, expected one"
  expect_in "$name.err" "$what" "'${args[*]}'"
  [ ! -s "$name.out" ] || fail "'${args[*]}': nothing may run (stdout not empty)"
  n=$((n + 1))
done

# No command at all: usage on stderr, 64.
run noargs 10000
expect_rc 64
expect_in noargs.err '^usage: redirtorture COMMAND' "usage text"

for ok in help list knobs; do
  run "$ok" 10000 "$ok"
  expect_rc 0
done
expect_in help.out '^exit codes: 0 success, 1 finding, 2 deadlock, 3 hang' "help lists exit codes"
expect_in knobs.out '^  stall_timeout_ms +int 50\.\.600000 +default 1000 ' "knobs: type, range, default"
expect_in list.out '^  rich_live +buggy ' "list: rich_live"
expect_in list.out '^  rich_live_fixed ' "list: rich_live_fixed"
expect_in list.out '^  test_wedge +test ' "list: test helpers"
pass "$n bad command lines rejected with 64; help, list, knobs exit 0"
