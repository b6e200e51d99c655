# SPDX-License-Identifier: Apache-2.0
"""A redirector with a control pipe (tests/py/py_select_hang.sh, issue 12):
a thread waits in select() for commands on a pipe; writers take the same
state lock to write.

harness.options["mode"]:
  "hold" (the bug): the pipe thread holds the state lock while it waits in
      select(), and nobody writes to the pipe while the run lasts: every
      writer waits for the lock, and the thread that has it sits in select.
  "fixed": select() first, the lock only to handle a command.
uninstall() writes "q" to the pipe and joins the thread."""
import os
import select
import threading

_lock = None
_r = _w = None
_thread = None
_harness = None
_hold = True


def _serve():
    while True:
        if _hold:
            with _lock:
                select.select([_r], [], [])
                cmd = os.read(_r, 1)
        else:
            select.select([_r], [], [])
            with _lock:
                cmd = os.read(_r, 1)
        if cmd == b"q":
            return


def install(harness):
    global _lock, _r, _w, _thread, _harness, _hold
    _harness = harness
    _hold = harness.options.get("mode") != "fixed"
    _lock = threading.Lock()
    _r, _w = os.pipe()
    _thread = threading.Thread(target=_serve, name="control-pipe")
    _thread.start()


def write(stream, text):
    with _lock:
        getattr(_harness, stream).write(text)


def uninstall():
    os.write(_w, b"q")
    _thread.join()
    os.close(_r)
    os.close(_w)
