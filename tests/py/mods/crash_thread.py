# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/py_crash_stacks.sh: a C-level crash in one of
several Python threads.  write() writes each line to harness.terminal; the
100th line written (on whichever driver thread gets there) calls _crash():
with py_options mode=segv a null pointer read through ctypes (SIGSEGV, the
bug of a C extension), with mode=abort os.abort() (SIGABRT, as a failed
assertion in C code).  Meanwhile the thread crash-bystander waits in
_idle() (Event.wait) for the whole run.  mode=fixed never crashes; its
uninstall() ends the bystander and joins it."""
import ctypes
import os
import threading

_h = None
_mode = "fixed"
_lines = 0
_count_lock = None
_stop = None
_bystander = None


def _idle():
    _stop.wait()


def _crash():
    if _mode == "segv":
        ctypes.string_at(0)
    elif _mode == "abort":
        os.abort()


def write(stream, text):
    global _lines
    with _count_lock:
        _lines += text.count("\n")
        due = _lines >= 100
    if due:
        _crash()
    getattr(_h, stream).write(text)     # each thread's lines kept whole


def flush(stream):
    pass


def install(harness):
    global _h, _mode, _count_lock, _stop, _bystander
    _h = harness
    _mode = harness.options.get("mode", "fixed")
    _count_lock = threading.Lock()
    _stop = threading.Event()
    _bystander = threading.Thread(target=_idle, name="crash-bystander")
    _bystander.start()


def uninstall():
    _stop.set()
    _bystander.join()
