# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/py_report_frames.sh: mp_abba.py's lock-order
deadlock (writers take the output lock, then the multiprocessing bar lock;
the buggy flush takes them the other way round, and its first flush waits
until a writer is inside, so the inversion deadlocks in every run), beside
a thread pipe-reader that sits in a C call (os.read on a pipe) the whole
run.  A DEADLOCK report then has threads whose Python stacks were recorded
as they started to wait (the writers, the flusher) and one whose stack is
taken at report time (pipe-reader).  With py_options mode=fixed, flush()
takes the locks in write()'s order (mp_abba_fixed.py).  uninstall() ends
pipe-reader through its pipe and joins it."""
import os
import threading

import mp_abba

_pipe = None
_reader = None


def _read_forever(fd):
    while os.read(fd, 1) != b"q":
        pass


def install(harness):
    global _pipe, _reader
    mp_abba.FLUSH_BAR_FIRST = harness.options.get("mode") != "fixed"
    _pipe = os.pipe()
    _reader = threading.Thread(target=_read_forever, args=(_pipe[0],), name="pipe-reader",
                               daemon=True)
    _reader.start()
    mp_abba.install(harness)


def uninstall():
    mp_abba.uninstall()
    os.write(_pipe[1], b"q")
    _reader.join()
    os.close(_pipe[0])
    os.close(_pipe[1])
