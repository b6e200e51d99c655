#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The engine's rooms depend only on the rooms below them (docs/architecture.md):
# every #include "..." of every file is checked against the table below, and
# every declared function must be defined in the .c file its header is named
# after.  Run by hand: bash tests/layering.sh [SOURCE_DIR]
set -u
src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 2

# room: the rooms it may include from (itself included)
declare -A may=(
  [base]="base"
  [runtime]="base runtime"
  [engine]="base runtime engine"
  [sched]="base runtime engine sched"
  [session]="base runtime engine session"
  [targets]="base runtime session targets"
  [python]="base runtime engine targets python"
  [commands]="base runtime engine sched session targets commands"
  [cli]="base runtime engine sched session targets commands cli"
  [fuzz]="base runtime engine sched session targets commands fuzz"
)
room_of() {   # include text -> room
  case $1 in
    */*) echo "${1%%/*}" ;;
    rt.h|site.h|lock.h|sink.h|hooks.h|target.h|target_plugin.h) echo runtime ;;
    *) [ -f "targets/$1" ] && echo targets || echo "?" ;;
  esac
}
bad=0
for dir in harness/*/ targets/; do
  room=$(basename "$dir")
  for f in "$dir"*.[ch]; do
    while IFS= read -r inc; do
      # a file's sibling in its own folder (rt.h's parts, targets' helpers)
      [ -f "$dir$inc" ] && continue
      r=$(room_of "$inc")
      case " ${may[$room]} " in
        *" $r "*) ;;
        *) echo "layering: $f includes \"$inc\" (room $r), but $room may use only: ${may[$room]}"; bad=1 ;;
      esac
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
  done
done

# Every function a harness header declares is defined in the .c of the same name.
for h in harness/*/*.h targets/targets.h; do
  c=${h%.h}.c
  [ -f "$c" ] || continue
  for fn in $(grep -v '^static' "$h" | sed -n 's/^[a-z][a-z0-9_ *]*[ *]\(rt_[a-z0-9_]*\|so_[a-z0-9_]*\|sc_[a-z0-9_]*\)(.*/\1/p' | sort -u); do
    grep -Eq "^[a-z].*[ *]$fn\(" "$c" ||
      { echo "layering: $h declares $fn, which $c does not define"; bad=1; }
  done
done
[ $bad = 0 ] && echo "layering: every include points down the rooms; every declaration lives in its header's file"
exit $bad
