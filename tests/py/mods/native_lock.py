# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/ctl_py_explore.sh: a redirector whose write path
holds a lock the harness cannot see around a short timed Event wait (a
scheduling point, virtual time).  The lock is a token in a pipe: taking it
is a read(2) that blocks in the kernel, where no scheduler sees it (threading
and _thread locks are harness locks, so a pipe stands for any C-level lock
or blocking call).  Under the controlled scheduler the waiting thread is not
enabled until its deadline, so another one runs, writes and blocks in the
read, holding the turn.  The scheduler must notice that it reaches no point
(its budget), let another thread run, and go on: no wedge."""
import os
import threading

_take, _give = os.pipe()
os.write(_give, b"t")                # one token: the lock is free
_h = None


def install(harness):
    global _h
    _h = harness


def write(stream, text):
    os.read(_take, 1)                # acquire: blocks in read(2) while taken
    try:
        threading.Event().wait(0.001)
        _h.terminal.write(text)
    finally:
        os.write(_give, b"t")        # release


def uninstall():
    pass
