# SPDX-License-Identifier: Apache-2.0
"""A py: target whose install() takes 4 s (an import on a loaded machine):
longer than the supervisor's heartbeat timeout of stall 1 s + 2 s, so the
start phase must send heartbeats (tests/reliab_end_phases.sh)."""
import threading
import time

_term = None
_lock = threading.Lock()


def install(harness):
    global _term
    time.sleep(4.0)
    _term = harness.terminal


def write(stream, text):
    with _lock:
        _term.write(text)


def flush(stream):
    with _lock:
        _term.flush()


def uninstall():
    pass
