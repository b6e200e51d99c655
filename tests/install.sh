#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake --install into a temporary prefix, then the prefix is moved (so no
# absolute install path can be compiled in) and the installed program runs
# from a working directory outside the source tree:
#   - it lists the installed scenarios (not the source tree's);
#   - live_refresh on rich_live_fixed (500 ms) is clean: exit 0;
#   - busted_abba on busted is caught: FINDING (1) or DEADLOCK (2);
#   - with embedded Python: py:example_redirect runs from the installed plugin
#     and glue, and removing the installed glue, then the plugin, makes it
#     exit 69 naming the installed path (so neither came from the build tree);
#   - the installed target API headers compile on their own.
source "$(dirname "$0")/lib.sh"

BUILD=$(cd "$(dirname "$RT_BIN")" && pwd)
cmake --install "$BUILD" --prefix "$WORK/p1" >install.log 2>&1 || { cat install.log >&2; fail "cmake --install"; }
mv "$WORK/p1" "$WORK/moved"
P=$WORK/moved
for f in bin/redirtorture share/redirtorture/scenarios/CFLIST share/redirtorture/scenarios/live_refresh.scn \
         share/redirtorture/py/redirtorture_glue.py share/redirtorture/py/example_redirect.py \
         include/redirtorture/rt.h include/redirtorture/site.h include/redirtorture/lock.h \
         include/redirtorture/sink.h include/redirtorture/hooks.h include/redirtorture/target.h \
         include/redirtorture/target_plugin.h share/pkgconfig/redirtorture.pc \
         share/doc/redirtorture/LICENSE share/doc/redirtorture/README.md \
         share/doc/redirtorture/CHANGELOG.md share/doc/redirtorture/docs/architecture.md; do
  [ -f "$P/$f" ] || fail "not installed: $f"
done
PLUGIN=$(ls "$P"/lib*/redirtorture/redirtorture_py.so 2>/dev/null || true)
if [ -e "$BUILD/redirtorture_py.so" ]; then
  [ -n "$PLUGIN" ] || fail "the build has redirtorture_py.so, the prefix has none"
fi

mkdir "$WORK/elsewhere" && cd "$WORK/elsewhere"
RT_BIN=$P/bin/redirtorture

run list 10000 list
expect_rc 0
expect_in list.out "^scenarios \\($P/share/redirtorture/scenarios\\):\$" "list: the installed scenarios"
expect_in list.out '^  live_refresh ' "list: live_refresh"

BOUND=$((500 + 1000 + $(scaled 2000)))
run clean $((BOUND + 10000)) run --scenario live_refresh --target rich_live_fixed \
  --set duration_ms=500 --report clean.json
expect_ms_below "$BOUND" "installed live_refresh"
expect_clean_run "installed live_refresh on rich_live_fixed" 'print_ops >= 1'

BOUND=$((5000 + 1000 + $(scaled 1000)))
run busted $((BOUND + 10000)) run --scenario busted_abba --report none
expect_rc 1 2
expect_in busted.err '^signature: LOCKORDER:[0-9a-f]{16} Busted\.A -> Busted\.B -> Busted\.A$' "installed busted_abba"

if [ -n "$PLUGIN" ]; then
  BOUND=$((500 + 1000 + $(scaled 4000)))
  run py $((BOUND + 10000)) run --scenario live_refresh --target py:example_redirect \
    --set duration_ms=500 --set print_workers=2 --report py.json
  if [ "$RC" -eq 69 ] && grep -q 'needs python3-rich' py.err; then
    echo "(python3-rich missing: the installed py target is not run)"
  else
    expect_clean_run "installed py:example_redirect" 'print_ops >= 1'
  fi
  rm "$P/share/redirtorture/py/redirtorture_glue.py"
  run noglue 20000 run --scenario live_refresh --target py:example_redirect --set duration_ms=500 --report none
  expect_rc 69
  expect_in noglue.err "cannot load the glue $P/share/redirtorture/py/redirtorture_glue.py" "glue looked up in the prefix"
  rm "$PLUGIN"
  run noplugin 20000 run --scenario live_refresh --target py_rich --set duration_ms=500 --report none
  expect_rc 69
  expect_in noplugin.err "cannot load the embedded-Python plugin $P/lib[^ ]*/redirtorture/redirtorture_py.so" \
    "plugin looked up in the prefix"
fi

printf '#include <rt.h>\nstatic int ok(void) { return RT_MAX_SESSIONS; }\nint main(void) { return ok() - RT_MAX_SESSIONS; }\n' >api.c
cc -std=c11 -Wall -Wextra -Werror -I "$P/include/redirtorture" -c api.c -o api.o ||
  fail "the installed rt.h does not compile on its own"

pass "installed into a prefix, moved, run from $WORK/elsewhere: scenarios, clean and buggy runs${PLUGIN:+, the Python plugin and glue}, headers"
