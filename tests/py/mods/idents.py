# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/ctl_py_idents.sh: code that shows and depends on
thread idents.  Every thread that runs it (the thread that starts the
target, a worker thread started through threading, the driver threads)
notes what it sees: threading.get_ident(), _thread.get_ident(),
Thread.ident, threading.get_native_id(), Thread.native_id, repr() of its
Thread, and whether threading finds it under its ident (current_thread()
is the Thread whose ident it is, no stand-in).  A write takes an extra lock
when the writer's ident is divisible by 3, so the schedule's scheduling
points depend on idents too.  At uninstall one line "idents: ..." goes to
harness.report_fd, the threads in the order of their idents."""
import _thread
import os
import threading

_harness = None
_lock = threading.Lock()
_extra = threading.Lock()
_seen = {}                   # ident -> what its thread saw
_worker = None


def _look(who):
    me = threading.current_thread()
    ident = threading.get_ident()
    found = threading._active.get(ident) is me and me.ident == ident == _thread.get_ident()
    _seen.setdefault(ident, "%s ident=%d native=%d/%s found=%s %r" % (
        who, ident, threading.get_native_id(), me.native_id, found, me))


def _work():
    _look("worker")


def install(harness):
    global _harness, _worker
    _harness = harness
    _look("starter")
    _worker = threading.Thread(target=_work, name="idents-worker")
    _worker.start()


def write(stream, text):
    if threading.get_ident() % 3 == 0:
        with _extra:
            pass
    with _lock:
        _look("writer " + threading.current_thread().name)
        getattr(_harness, stream).write(text)


def flush(stream):
    with _lock:
        getattr(_harness, stream).flush()


def uninstall():
    _worker.join()
    _look("stopper")
    line = " | ".join(_seen[k] for k in sorted(_seen))
    _seen.clear()
    os.write(_harness.report_fd, ("idents: %s\n" % line).encode())
