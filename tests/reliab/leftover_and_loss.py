# SPDX-License-Identifier: Apache-2.0
"""A py: target that loses one tagged line and leaves a thread running after
uninstall() (tests/reliab_end_phases.sh): both are findings, and the
leftover thread must not hide the lost line."""
import threading

_term = None
_lock = threading.Lock()
_dropped = []
_stop = threading.Event()


def install(harness):
    global _term
    _term = harness.terminal
    threading.Thread(target=lambda: _stop.wait(30), name="forgotten-daemon", daemon=True).start()


def write(stream, text):
    with _lock:
        if not _dropped and text.startswith("@T"):
            _dropped.append(text)      # one tagged line lost: an integrity finding
            return
        _term.write(text)


def flush(stream):
    with _lock:
        _term.flush()


def uninstall():
    pass                               # forgets to set _stop and join the thread
