# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/ctl_py_explore.sh: a redirector whose write path
holds a lock the harness cannot see (_thread.allocate_lock(), which stays a
native lock) around a short timed Event wait (a scheduling point, virtual
time).  Under the controlled scheduler the waiting thread is not enabled
until its deadline, so another one runs, writes and blocks in the native
lock where the scheduler does not see, holding the turn.  The scheduler must notice that it reaches no
point (its budget), let another thread run, and go on: no wedge."""
import _thread
import threading

_native = _thread.allocate_lock()    # stays native: invisible to the harness
_h = None


def install(harness):
    global _h
    _h = harness


def write(stream, text):
    with _native:
        threading.Event().wait(0.001)
        _h.terminal.write(text)


def uninstall():
    pass
