#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# replay --trace/--svg: Chrome trace-event JSON and a standalone SVG of the
# failing schedule, with one track per thread and the deadlock marked.
source "$(dirname "$0")/lib.sh"

run replay "$(scaled 30000)" replay "$RT_SOURCE_DIR/corpus/replay/rich-4158-live-console-abba.min.repro" \
  --trace out.json --svg out.svg --dot out.dot
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
zero = [e for e in ev if e.get("ph") == "X" and e.get("dur", 0) < 1]
assert not zero, f"{len(zero)} slices of zero width (Perfetto draws nothing): {zero[:2]}"
PYEOF
"$PY" -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == "svg"' out.svg ||
  fail "SVG is not well-formed"
expect_in out.svg 'DEADLOCK' "SVG marks the deadlock"
expect_in out.svg 'Live\._lock' "SVG names the lock classes"
# the deadlock close up: an arrow per waiting thread, in its lock's colour,
# labelled, and the two locks of the cycle in two different colours
expect_in out.svg 'The deadlock, close up' "SVG inset of the last steps"
expect_in out.svg 'marker-end="url\(#ah[0-9]+\)"' "SVG arrows thread -> owner"
expect_in out.svg 'refresh-0 waits for Console\._lock, held by print-[0-9]+' "arrow label"
expect_in out.svg 'print-[0-9]+ waits for Live\._lock, held by refresh-0' "arrow label"
"$PY" - out.svg <<'PYEOF' || fail "the cycle's locks do not get distinct colours"
import re, sys
s = open(sys.argv[1]).read()
sw = dict((m.group(2), m.group(1)) for m in re.finditer(r'fill="(#[0-9a-f]{6})" stroke="[^"]*" stroke-width="2"/><text[^>]*>([^<]*) \(cycle\)', s))
assert len(sw) == 2 and len(set(sw.values())) == 2, sw
PYEOF
# the lock-order graph: both edges of the cycle in red, the third lock not
# (edges only from the most recent held lock, as lockdep adds them: the
# printer held the handler lock of a logging finalizer when it took
# Live._lock, so the way back from Console._lock runs through that lock)
expect_in out.dot '^  "Console\._lock" -> "logging\.Handler\.lock" \[label=' "DOT: the chain, first link"
expect_in out.dot '^  "logging\.Handler\.lock" -> "Live\._lock" \[label=' "DOT: the chain, second link"
expect_in out.dot '^  "Live\._lock" -> "Console\._lock" \[label=.*color="#d62728"' "DOT: cycle edge in red"
expect_not_in out.dot '"logging\.Handler\.lock" \[fillcolor="#fde0e0"' "DOT: a lock outside the cycle in red"
if command -v dot >/dev/null; then
  dot -Tsvg out.dot -o out.dot.svg || fail "Graphviz rejects the DOT file"
fi
pass "trace JSON (no zero-width slices), SVG (deadlock inset with arrows) and DOT (cycle in red) written"
