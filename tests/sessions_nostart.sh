#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A session target that cannot start in this environment (open-files limit
# 10: not even one session's four pipe fds fit) ends with a clear message
# and exit 69 (NOSTART), not a crash and not a FINDING against the target.
# The same limit is fine for the proxy, which needs no fds.
source "$(dirname "$0")/lib.sh"

BOUND=$((1000 + $(scaled 2000)))
cat >limited.sh <<SH
ulimit -n 10
exec "\$@"
SH
RT_REAL_BIN=$RT_BIN
RT_BIN="bash"
run fd $((BOUND + 10000)) limited.sh "$RT_REAL_BIN" run --scenario run_mode_sessions \
  --target fd_redirect --set duration_ms=1000 --report none
expect_rc 69
expect_verdict NOSTART
expect_ms_below "$BOUND" "fd_redirect"
expect_in fd.err '^redirtorture: target fd_redirect cannot start: session s[0-9]+: os.pipe\(\) failed: Too many open files \(no session could start; open-files limit 10\)$' "the reason"
expect_not_in fd.err '^(FINDING|HANG|CRASH)' "no finding, no crash"
[ "$(grep -c 'cannot start' fd.err)" -eq 1 ] || fail "the reason printed more than once"

run proxy $((BOUND + 10000)) limited.sh "$RT_REAL_BIN" run --scenario run_mode_sessions \
  --target thread_local_proxy --set duration_ms=500 --report none
expect_rc 0
expect_verdict SUCCESS
pass "fd exhaustion: exit 69 with the reason; the proxy runs"
