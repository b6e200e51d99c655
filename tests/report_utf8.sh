#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A scenario whose description holds bytes that are not UTF-8 (Latin-1 'é',
# an overlong '/', a UTF-16 surrogate, a code point above U+10FFFF, a
# sequence cut off at the end) and a control byte still gives a report that
# is strict UTF-8 JSON: each byte that does not start a well-formed sequence
# is U+FFFD, valid UTF-8 ('ü') and the control byte (as \u0001) are kept.
# (lib.sh then validates the report against docs/report.schema.json.)
source "$(dirname "$0")/lib.sh"

printf 'description = caf\xe9 \xc3\xbc \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \x01 end\xe2\x82\ntarget = rich_live_fixed\nduration_ms = 200\n' >bad_bytes.scn
run utf8 $((200 + $(scaled 3000) + 10000)) run --scenario ./bad_bytes.scn --report utf8.json
expect_rc 0
"$PY" - utf8.json <<'PYEOF' || fail "report utf8.json"
import json, sys
raw = open(sys.argv[1], "rb").read()
d = json.loads(raw.decode("utf-8"))          # strict: raises on any bad byte
want = ("caf\ufffd \u00fc \ufffd\ufffd \ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd \x01 "
        "end\ufffd\ufffd")
got = d["config"]["description"]
assert got == want, "description %r, expected %r" % (got, want)
PYEOF
pass "bytes that are not UTF-8 reach the report as U+FFFD; the report is strict UTF-8"
