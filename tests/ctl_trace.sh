#!/usr/bin/env bash
# replay --trace/--svg: Chrome trace-event JSON and a standalone SVG of the
# failing schedule, with one track per thread and the deadlock marked.
source "$(dirname "$0")/lib.sh"

run replay "$(scaled 30000)" replay "$RT_SOURCE_DIR/corpus/replay/rich-4158-live-console-abba.min.repro" \
  --trace out.json --svg out.svg
expect_rc 2
"$PY" - out.json <<'PYEOF' || fail "trace JSON is not a valid Chrome trace"
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
names = {e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"}
assert any(n.startswith("refresh") for n in names), names
assert any(e.get("name") == "DEADLOCK" for e in ev), "no DEADLOCK marker"
assert any(str(e.get("name", "")).startswith("wait ") for e in ev), "no wait spans"
assert any(str(e.get("name", "")).startswith("hold ") for e in ev), "no hold spans"
PYEOF
"$PY" -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == "svg"' out.svg ||
  fail "SVG is not well-formed"
expect_in out.svg 'DEADLOCK' "SVG marks the deadlock"
expect_in out.svg 'Live\._lock' "SVG names the lock classes"
pass "trace JSON and SVG written"
