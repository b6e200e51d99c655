#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The command line (harness/cli/): --opt=value, --help on every command
# (generated from the table that parses), --version, and bad numbers and
# options: each is one line on stderr, exactly as below, exit 64, and
# nothing runs.
source "$(dirname "$0")/lib.sh"

# ---- bad command lines: args (tab-separated) | the whole stderr line -------
R=18446744073709551615
bad=(
  "explore	--scenario	live_refresh	--runs	0|redirtorture: --runs: 0 is out of range (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--runs=1000000001|redirtorture: --runs: 1000000001 is out of range (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--runs	99999999999999999999999|redirtorture: --runs: 99999999999999999999999 is out of range (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--runs	-1|redirtorture: --runs: -1 is out of range (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--runs	12x|redirtorture: --runs: '12x' is not a number (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--runs=|redirtorture: --runs: '' is not a number (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--runs	 5|redirtorture: --runs: ' 5' is not a number (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--runs	+5|redirtorture: --runs: '+5' is not a number (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--runs	0x10|redirtorture: --runs: '0x10' is not a number (expected 1..1000000000)"
  "explore	--scenario	live_refresh	--depth	4294967297|redirtorture: --depth: 4294967297 is out of range (expected 1..8)"
  "explore	--scenario	live_refresh	--depth	0|redirtorture: --depth: 0 is out of range (expected 1..8)"
  "explore	--scenario	live_refresh	--depth=9|redirtorture: --depth: 9 is out of range (expected 1..8)"
  "explore	--scenario	live_refresh	--confirm-runs	1000001|redirtorture: --confirm-runs: 1000001 is out of range (expected 0..1000000)"
  "explore	--scenario	live_refresh	--strategy	bytes|redirtorture: --strategy: unknown value 'bytes' (expected random, pct or pos)"
  "run	--scenario	live_refresh	--seed	18446744073709551616|redirtorture: --seed: 18446744073709551616 is out of range (expected 0..$R)"
  "run	--scenario	live_refresh	--seed=-1|redirtorture: --seed: -1 is out of range (expected 0..$R)"
  "minimize	x.repro	--budget	100000001|redirtorture: --budget: 100000001 is out of range (expected 0..100000000)"
  "minimize	x.repro	--search-runs=1000001|redirtorture: --search-runs: 1000001 is out of range (expected 0..1000000)"
  "run	--scenario|redirtorture: option '--scenario' needs a value (run --scenario NAME|FILE)"
  "replay	x.repro	--svg|redirtorture: option '--svg' needs a value (replay --svg OUT.svg)"
  "minimize	x.repro	-o|redirtorture: option '--out' needs a value (minimize --out OUT)"
  "run	--no-supervisor=1|redirtorture: option '--no-supervisor' takes no value"
  "explore	--sce	x|redirtorture: ambiguous option '--sce' for explore (could be --scenario, --scenario-dir)"
  "run	-x|redirtorture: unknown option '-x' for run (expected --scenario, --target, --seed, --set, --scenario-dir, --no-supervisor, --report, --help)"
  "knobs	--all|redirtorture: unknown option '--all' for knobs (expected --help)"
  "knobs	all|redirtorture: unexpected argument 'all' for knobs (it takes options only)"
  "replay|redirtorture: replay needs FILE (see \`redirtorture replay --help\`)"
  "replay	a.repro	b.repro|redirtorture: unexpected argument 'b.repro' for replay (expected one FILE)"
  "help	frobnicate|redirtorture: unknown command 'frobnicate' (expected run, explore, replay, minimize, py, list, knobs, help or version)"
  # control bytes from argv are escaped, never echoed raw
  "run	--$(printf '\033')[31mred|redirtorture: unknown option '--\\x1b[31mred' for run (expected --scenario, --target, --seed, --set, --scenario-dir, --no-supervisor, --report, --help)"
  "explore	--scenario	live_refresh	--runs	1$(printf '\r')2|redirtorture: --runs: '1\\r2' is not a number (expected 1..1000000000)"
  "run	--scenario	live_refresh	--set	a\\b|redirtorture: --set 'a\\\\b' is not KEY=VALUE"
)
n=0
for c in "${bad[@]}"; do
  argstr=${c%%|*}
  want=${c#*|}
  IFS=$'\t' read -r -a args <<<"$argstr"
  name="bad$n"
  run "$name" "$(scaled 10000)" "${args[@]}"
  expect_rc 64
  [ "$(wc -l <"$name.err")" -eq 1 ] || fail "'${args[*]}': $(wc -l <"$name.err") lines on stderr, expected one"
  [ "$(cat "$name.err")" = "$want" ] || fail "'${args[*]}': stderr is '$(cat -v "$name.err")', expected '$want'"
  [ ! -s "$name.out" ] || fail "'${args[*]}': nothing may run (stdout not empty)"
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$name.err"; then
    fail "'${args[*]}': a control byte on stderr"
  fi
  n=$((n + 1))
done

# ---- --opt=value is --opt value -----------------------------------------------
common=(--target test_clean --seed 42 --set duration_ms=200 --set print_workers=2)
run spaced "$(scaled 15000)" run --scenario live_refresh "${common[@]}" --report spaced.json
expect_rc 0
run joined "$(scaled 15000)" run --scenario=live_refresh --target=test_clean --seed=42 --set=duration_ms=200 \
  --set=print_workers=2 --report=joined.json
expect_rc 0
expect_in joined.out '^  seed = 42$' "--seed=42"
expect_in joined.out '^  duration_ms = 200$' "--set=duration_ms=200"
expect_in joined.out '^  target = test_clean$' "--target=test_clean"
[ -s joined.json ] || fail "--report=joined.json: no report"
[ "$(grep -m1 '^replay: ' spaced.out)" = "$(grep -m1 '^replay: ' joined.out)" ] ||
  fail "--opt=value and --opt value give different replay commands"

run explore "$(scaled 30000)" explore --scenario=busted_abba --strategy=random --depth=3 --runs=50 --seed=1 \
  --confirm-runs=0 --repro=e.repro --no-supervisor
expect_rc 2
expect_in explore.out '^replay: .* explore --scenario .* --seed 1 --strategy random --depth 3 --runs 50$' \
  "explore --opt=value in the replay command"
[ -s e.repro ] || fail "--repro=e.repro: no repro"
run replay "$(scaled 30000)" replay e.repro --trace=t.json --svg=s.svg
expect_rc 2
[ -s t.json ] && [ -s s.svg ] || fail "replay --trace=t.json --svg=s.svg: no trace or svg"
run minimize "$(scaled 60000)" minimize --out=m.repro --search-runs=5 e.repro
expect_rc 0
[ -s m.repro ] || fail "minimize --out=m.repro: no repro"

# ---- --help on every command, generated from the table that parses --------------
run top "$(scaled 10000)" help
expect_rc 0
cmds=$(sed -n '/^commands:/,/^exit codes:/p' top.out | sed -n 's/^  \([a-z]\+\) .*/\1/p')
[ "$(echo $cmds)" = "run explore replay minimize py list knobs help version" ] ||
  fail "help lists commands '$(echo $cmds)'"
nopts=0
for cmd in $cmds; do
  run "$cmd-help" "$(scaled 10000)" "$cmd" --help
  expect_rc 0
  [ ! -s "$cmd-help.err" ] || fail "$cmd --help: stderr not empty"
  [ "$(head -n 1 "$cmd-help.out" | cut -d' ' -f1-3)" = "usage: redirtorture $cmd" ] ||
    fail "$cmd --help: first line '$(head -n 1 "$cmd-help.out")'"
  for other in "-h" "help"; do
    if [ "$other" = help ]; then run "$cmd-o" "$(scaled 10000)" help "$cmd"; else run "$cmd-o" "$(scaled 10000)" "$cmd" -h; fi
    expect_rc 0
    cmp -s "$cmd-help.out" "$cmd-o.out" || fail "'$cmd $other' differs from '$cmd --help'"
  done
  # Every option the usage names is one the parser knows.
  for opt in $(sed -n -E 's/^ {2,6}(-., )?(--[a-z-]+).*/\2/p' "$cmd-help.out"); do
    [ "$opt" = --help ] && continue
    run "$cmd-opt" "$(scaled 10000)" "$cmd" "$opt"
    expect_not_in "$cmd-opt.err" "unknown option|ambiguous" "$cmd --help names $opt"
    nopts=$((nopts + 1))
  done
done
[ "$nopts" -ge 20 ] || fail "only $nopts options found in the usage texts"
tr -s ' \n' ' ' <explore-help.out >explore-help.flat   # wrapped lines joined
expect_in explore-help.flat ' --runs N controlled executions at most \(1\.\.1000000000; default 100000\) ' \
  "explore --help: --runs with its range and default"
expect_in minimize-help.out '^  -o, --out OUT ' "minimize --help: -o, --out"
tr -s ' \n' ' ' <run-help.out >run-help.flat
expect_in run-help.flat ' --scenario NAME\|FILE [^-]*\(required\) ' "run --help: --scenario is required"

# ---- --version -----------------------------------------------------------------------
run version "$(scaled 10000)" --version
expect_rc 0
for v in version -V; do
  run "v$v" "$(scaled 10000)" "$v"
  cmp -s version.out "v$v.out" || fail "'$v' differs from '--version'"
done
line=$(cat version.out)
want=$(sed -n 's/^project(redirtorture VERSION \([0-9.]*\) .*/\1/p' "$RT_SOURCE_DIR/CMakeLists.txt")
[ -n "$want" ] || fail "no VERSION in project() of CMakeLists.txt"
[[ "$line" =~ ^redirtorture\ ([0-9]+\.[0-9]+\.[0-9]+)(\ \(git\ ([^\)]+)\))?$ ]] ||
  fail "--version printed '$line'"
[ "${BASH_REMATCH[1]}" = "$want" ] || fail "--version says ${BASH_REMATCH[1]}, CMakeLists.txt $want"
git_part=${BASH_REMATCH[3]}
if [ -e "$RT_SOURCE_DIR/.git" ] && git -C "$RT_SOURCE_DIR" rev-parse HEAD >/dev/null 2>&1; then
  [[ "$git_part" =~ (^|-g)([0-9a-f]{7,40})(-dirty)?$ ]] ||
    fail "built from a git checkout, but --version has no git describe: '$line'"
  git -C "$RT_SOURCE_DIR" cat-file -e "${BASH_REMATCH[2]}^{commit}" ||
    fail "--version names commit ${BASH_REMATCH[2]}, which this checkout does not have"
else
  echo "(not a git checkout: --version without git describe, as expected)"
  [ -z "$git_part" ] || fail "not a git checkout, yet --version says git $git_part"
fi

pass "$n bad command lines: one exact line, exit 64; --opt=value; --help on ${cmds//$'\n'/ }" \
  "($nopts options, all parsed); $line"
