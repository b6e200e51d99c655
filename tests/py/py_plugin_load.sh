#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_plugin_load.sh: the binary never needs libpython.  The py targets live
# in the plugin redirtorture_py.so (targets/py_plugin.c loads it on first
# use), so:
#  - the executable has no libpython in its DT_NEEDED entries;
#  - when the plugin cannot be loaded (here: REDIRTORTURE_PY_PLUGIN names a
#    file that does not exist, as when libpython3.11 is missing), py_rich
#    exits 69 with one clear line, and the C targets still run;
#  - in a build without embedded Python, py_rich exits 69 saying so.
# Runs in every build (no skip): it checks the message of the non-Python
# builds too.
source "$(dirname "$0")/../lib.sh"

if command -v readelf >/dev/null; then
  readelf -d "$RT_BIN" > needed.txt || fail "readelf failed"
  expect_not_in needed.txt 'libpython' "the binary links libpython"
fi

REDIRTORTURE_PY_PLUGIN=/nonexistent/redirtorture_py.so \
  run noplugin 20000 run --scenario live_refresh --target py_rich --report none
expect_rc 69
expect_verdict NOSTART
if grep -q 'built without embedded Python' noplugin.err; then
  what="no embedded Python in this build"
else
  expect_in noplugin.err '^redirtorture: target py_rich cannot start: cannot load the embedded-Python plugin /nonexistent/redirtorture_py\.so: .*cannot open shared object file.*apt-get install libpython3\.11-dev' \
    "plugin load failure message"
  what="plugin load failure reported"
fi
[ "$(grep -c . noplugin.err)" -eq 1 ] || fail "more than one line on stderr: $(cat noplugin.err)"

REDIRTORTURE_PY_PLUGIN=/nonexistent/redirtorture_py.so \
  run ctarget 30000 run --scenario live_refresh --target rich_live_fixed --set duration_ms=300 --report none
expect_rc 0
expect_verdict SUCCESS
pass "no libpython in the binary; $what (exit 69); C targets run"
