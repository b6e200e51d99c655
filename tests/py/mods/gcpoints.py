# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/py_gc_points.sh: where do collections start?

Each write() makes one cyclic object with a finalizer, then takes a lock of
its own and allocates inside it, as code under test does.  Finalizers count
how often they ran with that lock held.  uninstall() writes one line to harness.report_fd
(the harness's stderr):

  gcpoints: threshold0=T finalizers=F under_lock=U writes=W

T is generation 0's threshold while the run was going (the harness parks it
far out of reach when it chooses the collection points, knob py_gc_pct).
"""
import gc
import os
import threading

_lock = None
_h = None
_threshold = None
_fins = 0
_under = 0
_writes = 0


class _Obj:
    """Instances are new GC objects (lists and tuples may come from free
    lists, which CPython does not count towards a collection)."""


class _Cycle:
    def __init__(self):
        self.me = self

    def __del__(self):
        global _fins, _under
        _fins += 1
        if _lock._is_owned():
            _under += 1


def install(harness):
    global _lock, _h
    _lock = threading.RLock()
    _h = harness


def write(stream, text):
    global _writes, _threshold
    # Should the harness have armed the GC as this write started (its
    # backstop), that collection happens here, before the object exists.
    pad = [_Obj() for _ in range(3)]
    del pad
    _threshold = gc.get_threshold()[0]
    _writes += 1
    _Cycle()
    with _lock:
        rows = [_Obj() for _ in range(3)]  # allocations in the section
        del rows
    getattr(_h, stream).write(text)


def uninstall():
    gc.collect()
    os.write(_h.report_fd, ("gcpoints: threshold0=%s finalizers=%d under_lock=%d writes=%d\n"
                 % (_threshold, _fins, _under, _writes)).encode())
