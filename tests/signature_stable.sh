#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The same bug keeps its signature when code above its sites moves: a copy
# of the source tree gets 7 comment lines before the first #include of
# targets/busted.c and targets/rich_live.c (above every lock site), is built (redirtorture only,
# no Python), and the committed repros of busted's ABBA and Rich #4158 are
# replayed by both binaries: the reports show the moved lines (busted.c:29
# becomes busted.c:36), the signatures are the same, and equal the ones the
# repro files record.  ~1 min, mostly the build.
source "$(dirname "$0")/lib.sh"

command -v cmake >/dev/null || fail "cmake is needed"
mkdir src
(cd "$RT_SOURCE_DIR" && tar --exclude=./build --exclude=./.git -cf - .) | (cd src && tar -xf -)
for f in targets/busted.c targets/rich_live.c; do   # before the first #include
  awk '/^#include/ && !done { for (i = 1; i <= 7; i++) print "/* moved: line " i " above the lock sites */"; done = 1 } { print }' \
    "src/$f" >"src/$f.new" && mv "src/$f.new" "src/$f"
  grep -q 'moved: line 7' "src/$f" || fail "could not edit $f"
done
cmake -S src -B moved -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DREDIRTORTURE_PYTHON=OFF -DREDIRTORTURE_FUZZ=off >cmake.log 2>&1 || { tail cmake.log >&2; fail "configure"; }
cmake --build moved -j 2 --target redirtorture >build.log 2>&1 || { tail -n 30 build.log >&2; fail "build"; }
MOVED=$PWD/moved/redirtorture

sigs() { sed -n 's/^signature: //p' "$1" | sort -u; }
for repro in busted-abba.repro rich-4158-live-console-abba.min.repro; do
  r=$RT_SOURCE_DIR/corpus/replay/$repro
  run "orig-$repro" 30000 replay "$r"
  case $RC in 1|2) ;; *) fail "$repro: exit $RC with the original source" ;; esac
  orig_rc=$RC
  LAST=moved-$repro
  set +e
  timeout -k 2 30 "$MOVED" replay "$r" >"$LAST.out" 2>"$LAST.err"
  RC=$?
  set -e
  [ "$RC" -eq "$orig_rc" ] || fail "$repro: exit $RC after the move, $orig_rc before"
  # the lines did move in the reports...
  grep -Eo '(busted|rich_live)\.c:[0-9]+' "orig-$repro.err" | sort -u >"orig-$repro.lines"
  grep -Eo '(busted|rich_live)\.c:[0-9]+' "$LAST.err" | sort -u >"moved-$repro.lines"
  [ -s "orig-$repro.lines" ] || fail "$repro: no source lines in the report"
  if cmp -s "orig-$repro.lines" "moved-$repro.lines"; then fail "$repro: the lines in the report did not move"; fi
  # ...and the signatures did not
  sigs "orig-$repro.err" >"orig-$repro.sigs"
  sigs "$LAST.err" >"moved-$repro.sigs"
  [ -s "orig-$repro.sigs" ] || fail "$repro: no signature"
  diff "orig-$repro.sigs" "moved-$repro.sigs" >&2 || fail "$repro: signatures changed when lines moved"
  want=$(sed -n 's/^signature: //p' "$r")
  grep -qxF "$want" "moved-$repro.sigs" || fail "$repro: the recorded signature '$want' is not reported"
done
pass "lines above the lock sites moved (e.g. $(head -n 1 orig-busted-abba.repro.lines) -> $(head -n 1 moved-busted-abba.repro.lines)); every signature unchanged"
