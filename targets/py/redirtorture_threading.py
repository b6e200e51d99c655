# SPDX-License-Identifier: Apache-2.0
"""Python's threading under the harness (part of the glue,
redirtorture_glue.py; harness/python/pylocks.c, pywait.c, pysemlock.c,
pyctl.c on the C side).

install() replaces threading.Lock / threading.RLock (and
_thread.allocate_lock) with harness locks named by their creation site
("rich/live.py:76 Live._lock"), makes every Condition.wait (so Event,
queue.Queue, Semaphore, Barrier) a harness wait named after the Condition,
puts multiprocessing's in-process SemLocks in the lock-order graph, and
registers every Python thread with its starter (Thread.start, join, and in
a controlled execution the scheduler's turns and virtual sleep).
"""
import linecache
import os
import re
import sys
import threading
import time

import _redirtorture as _rt

# The harness's own Python, whose frames are never a creation site: this
# module (the wrappers) and the glue (driver operations, target start-up).
_HARNESS_FILES = (__file__, os.path.join(os.path.dirname(__file__), "redirtorture_glue.py"))
_ASSIGN = re.compile(r"\s*(?:self\.)?([A-Za-z_]\w*)\s*(?::[^=]*)?=[^=]")
_naming = set()                      # thread idents inside _creation_name


def _outside(f):
    """The first frame from f outward that is neither threading.py nor
    the harness's own Python (its wrappers), and the outermost threading.py
    frame passed."""
    inner = None
    while f is not None and (f.f_code.co_filename == threading.__file__
                             or f.f_code.co_filename in _HARNESS_FILES):
        if f.f_code.co_filename == threading.__file__:
            inner = f
        f = f.f_back
    return f, inner


def _site_label(f):
    """'rich/live.py:76 Live._lock': frame f's site, the class of `self`
    (from the function's qualified name) and the attribute it is assigned
    to (from the source line)."""
    co = f.f_code
    where = "%s:%d" % (_rt.relpath(co.co_filename), f.f_lineno)
    owner = co.co_qualname.rpartition(".")[0]
    m = _ASSIGN.match(linecache.getline(co.co_filename, f.f_lineno))
    if m:
        label = owner + "." + m.group(1) if owner else m.group(1)
    else:
        label = co.co_qualname
    return where + " " + label


def _creation_name():
    """('rich/live.py:76 Live._lock', True): the creation site of a lock
    (_site_label); and whether its acquisitions are collection points: not
    for locks made inside threading.py (Event, Condition, Semaphore), whose
    names also give the first caller outside it."""
    me = threading.get_ident()
    if me in _naming:                # re-entered through a finalizer
        return "python lock", True
    _naming.add(me)
    try:
        f = sys._getframe(2)
        name = _site_label(f)
        inside = f.f_code.co_filename == threading.__file__
        if inside:
            f, _ = _outside(f)
            if f is not None:
                name += " via %s:%d" % (_rt.relpath(f.f_code.co_filename), f.f_lineno)
        return name, not inside
    finally:
        _naming.discard(me)


def _condition_name(f):
    """A Condition's name from the frame that made it: made by threading
    itself, the site outside that made the Event / Semaphore / Barrier /
    Thread ('mod.py:30 Flusher.done (Event)'); else its own site, and the
    first caller outside that file ('queue.py:35 Queue.not_empty via
    lib/io.py:88')."""
    me = threading.get_ident()
    if me in _naming:
        return "python Condition"
    _naming.add(me)
    try:
        g, inner = _outside(f)
        if g is None:
            return "python Condition"
        if inner is not None:
            kind = inner.f_code.co_qualname.partition(".")[0]
            return "%s (%s)" % (_site_label(g), kind)
        name = _site_label(g)
        h = g.f_back
        while h is not None and (h.f_code.co_filename == g.f_code.co_filename
                                 or h.f_code.co_filename in _HARNESS_FILES):
            h = h.f_back
        if h is not None:
            name += " via %s:%d" % (_rt.relpath(h.f_code.co_filename), h.f_lineno)
        return name
    finally:
        _naming.discard(me)


def Lock():
    name, point = _creation_name()
    return _rt.Lock(name, point)


def RLock(*args, **kwargs):
    name, point = _creation_name()
    return _rt.RLock(name, point)


def install():
    """Before Rich or logging is imported: every threading.Lock() and
    threading.RLock() from now on is a harness lock, and every
    Condition.wait (so Event, queue.Queue, Semaphore, Barrier) waits on a
    harness Waiter named after the Condition's creation site; Python
    threads are registered by their starters (redirtorture_glue.install_locks
    calls it, then installs its hooks)."""
    threading.Lock = Lock
    threading.RLock = RLock
    if "logging" in sys.modules:     # normally not imported yet
        sys.modules["logging"]._lock = RLock()
    _install_waiters()
    _install_semlocks()
    _install_thread_locks()

    _install_threads()


_native_allocate_lock = threading._allocate_lock
_native_sleep = time.sleep


def ctl_reset():
    """Each controlled execution starts alike: Thread-1, Thread-2... again.
    queue.SimpleQueue is the C one, whose get() blocks in C where the
    scheduler cannot see; the pure-Python one waits on a threading
    Semaphore, a controlled wait (same interface and guarantees)."""
    import itertools
    import queue
    threading._counter = itertools.count(1).__next__
    queue.SimpleQueue = queue._PySimpleQueue


def _join_name(t):
    """What joiners of thread t wait for: its creation site, from the
    Condition of its _started Event ('mod.py:30 Flusher.t (Thread.join)').
    A class of its own: only the thread's start notifies it (a
    _DummyThread made on the same line sets a _started Event too)."""
    name = getattr(t._started._cond, "_rt_name", None) or "python Thread"
    if name.endswith(" (Thread)"):
        name = name[:-len(" (Thread)")]
    return name + " (Thread.join)"


def _install_threads():
    """Every Python thread is registered by its starter in Thread.start
    (reports show it wherever it is, even before it first runs), as the
    notifier of its _started Event and its joiners' wait (the evidence for
    an inferred wait-for edge, as a notify); Thread.join is a notify
    wait on the thread, though it waits on the native _tstate_lock that
    CPython releases from C when the thread ends.
    In a controlled execution (harness/python/pyctl.c) the threads the code
    starts run under the scheduler like the drivers: the creator makes the
    thread's record and keeps its turn until the new thread waits for its
    own at the start of run(); join() waits in the scheduler; time.sleep()
    sleeps on the virtual clock.  Free-running, all of this is the plain
    threading behaviour plus the registration above."""
    inner = threading.Thread._bootstrap_inner
    start = threading.Thread.start
    join = threading.Thread.join

    def _bootstrap_inner(self):
        h = getattr(self, "_rt_ctl", None)
        try:
            if h is not None:
                _rt.ctl_thread_adopt(h)      # the record its creator made
                run = self.run

                def _run():
                    _rt.ctl_thread_start()   # waits for its turn
                    _rt.notify(_join_name(self))
                    run()
                self.run = _run
            else:
                _rt.free_thread_adopt(getattr(self, "_rt_free", None), self.name)
                _rt.notify(_join_name(self))
            inner(self)
        finally:
            self.__dict__.pop("run", None)
            _rt.thread_exit()

    def _start(self):
        h = _rt.ctl_thread_new(self.name)
        if h is None:
            # registered now, as a notifier of what it sets when it starts:
            # its starter's wait in start() is never "all asleep" or an
            # inferred cycle while the new thread has yet to run
            started = getattr(self._started._cond, "_rt_name", None)
            self._rt_free = _rt.free_thread_new(
                self.name, (started, _join_name(self)) if started else (_join_name(self),))
            try:
                return start(self)
            except BaseException:
                _rt.free_thread_abandon(self._rt_free)
                raise
        self._rt_ctl = h
        _rt.ctl_hold(True)
        try:
            start(self)
            _rt.ctl_thread_started(h)
        finally:
            _rt.ctl_hold(False)

    def _join(self, timeout=None):
        h = getattr(self, "_rt_ctl", None)
        if h is not None and self._started.is_set() and _rt.ctl_on():
            done = _rt.ctl_join(h, -1.0 if timeout is None else max(0.0, timeout))
            if done is False:        # timed out on the virtual clock
                return join(self, 0)
            return join(self, timeout)
        if (not self._started.is_set() or self is threading.current_thread()
                or self._is_stopped):
            return join(self, timeout)      # returns or raises at once
        limit = -1.0 if timeout is None else max(float(timeout), 0.0)
        return _rt.wait_native(_join_name(self), limit, join, self, timeout)

    def _sleep(secs):
        if not _rt.ctl_sleep(secs):
            _native_sleep(secs)

    threading.Thread._bootstrap_inner = _bootstrap_inner
    threading.Thread.start = _start
    threading.Thread.join = _join
    time.sleep = _sleep
    # the same idents in every controlled execution (harness/python/pyidents.c)
    import _thread
    threading.get_ident = _thread.get_ident = _rt.get_ident
    threading.get_native_id = _thread.get_native_id = _rt.get_native_id


def _install_thread_locks():
    """_thread.allocate_lock() called directly (tempfile, _strptime, C
    extensions' Python parts) makes a harness Lock named by its creation
    site, as threading.Lock does; importlib's module locks (frozen code,
    with their own deadlock detection) stay native."""
    import _thread

    def allocate_lock():
        if sys._getframe(1).f_code.co_filename.startswith("<frozen "):
            return _native_allocate_lock()
        name, point = _creation_name()
        return _rt.Lock(name, point)

    _thread.allocate_lock = _thread.allocate = allocate_lock


def _install_waiters():
    """threading._allocate_lock: a Waiter for Condition.wait (the only
    caller once Lock is replaced), named after the Condition, which records
    its creation site in __init__; native for anything else."""
    cond_init = threading.Condition.__init__
    wait_code = threading.Condition.wait.__code__

    def __init__(self, lock=None):
        cond_init(self, lock)
        self._rt_name = _condition_name(sys._getframe(1))

    def _allocate_lock():
        f = sys._getframe(1)
        if f.f_code is wait_code:
            cond = f.f_locals.get("self")
            return _rt.Waiter(getattr(cond, "_rt_name", "python Condition"))
        return _native_allocate_lock()

    cond_notify = threading.Condition.notify

    def notify(self, n=1):
        # who notifies conditions of this name: evidence for the wait-for
        # edges of hang reports (notify_all and Event.set come here too)
        _rt.notify(getattr(self, "_rt_name", "python Condition"))
        cond_notify(self, n)

    threading.Condition.__init__ = __init__
    threading.Condition.notify = notify
    threading._allocate_lock = _allocate_lock


def _install_semlocks():
    """multiprocessing's Lock / RLock / Semaphore (SemLock) used in this
    process: the SemLock stays the real lock, a _redirtorture.SemWatch in
    front of it keeps the harness's books (lock order, owner, waits), named
    by the creation site outside multiprocessing ('mod.py:12 _bar
    (multiprocessing.RLock)')."""
    try:
        import multiprocessing.synchronize as ms
    except ImportError:              # no sem_open on this system
        return
    make = ms.SemLock._make_methods
    kinds = {"RLock": "rlock", "Lock": "lock"}

    def _make_methods(self):
        make(self)
        f = sys._getframe(1)
        while f is not None and (f.f_code.co_filename in _HARNESS_FILES or
                                 "/multiprocessing/" in f.f_code.co_filename):
            f = f.f_back
        kind = type(self).__name__
        name = "%s (multiprocessing.%s)" % (_site_label(f) if f is not None else "?", kind)
        w = _rt.SemWatch(self._semlock, name, kinds.get(kind, "sem"))
        self._rt_watch = w
        self.acquire = w.acquire
        self.release = w.release

    def __enter__(self):
        return self._rt_watch.__enter__()

    def __exit__(self, *args):
        return self._rt_watch.__exit__(*args)

    ms.SemLock._make_methods = _make_methods
    ms.SemLock.__enter__ = __enter__
    ms.SemLock.__exit__ = __exit__
