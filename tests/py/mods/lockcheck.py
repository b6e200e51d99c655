# SPDX-License-Identifier: Apache-2.0
"""lockcheck - a py: target for the test suite (tests/py/py_lockcheck.sh):
install() checks that threading.Lock / threading.RLock, now harness locks
(harness/pylocks.c), behave as Python's do for everything threading and
logging rely on, then redirects nothing.  Results go to file descriptor 2
(the harness's stderr): "lockcheck: N checks passed" or "lockcheck: FAIL ...".
"""
import logging
import os
import queue
import threading
import time

_results = []


def check(name, cond):
    _results.append((name, bool(cond)))


def raises(exc, fn):
    try:
        fn()
    except exc:
        return True
    return False


def _run():
    import _redirtorture
    # names by creation site
    lk = threading.Lock()
    rl = threading.RLock()
    check("Lock is a harness lock", type(lk) is _redirtorture.Lock)
    check("RLock is a harness lock", type(rl) is _redirtorture.RLock)
    check("Lock named by site", lk.name.startswith("lockcheck.py:") and lk.name.endswith(" lk"))

    class Holder:
        def __init__(self):
            self._lock = threading.RLock()
    check("class attribute name", Holder()._lock.name.endswith("Holder._lock"))
    check("logging's module lock wrapped", type(logging._lock) is _redirtorture.RLock)
    check("logging handler lock named",
          logging.StreamHandler().lock.name.startswith("logging/__init__.py:")
          and logging.StreamHandler().lock.name.endswith("Handler.lock"))

    # RLock: recursion, ownership, errors
    for _ in range(3):
        check("RLock acquire", rl.acquire())
    check("RLock _is_owned", rl._is_owned())
    check("RLock _recursion_count 3", rl._recursion_count() == 3)
    for _ in range(3):
        rl.release()
    check("RLock free again", not rl._is_owned())
    check("RLock over-release raises", raises(RuntimeError, rl.release))
    with rl:
        with rl:
            check("RLock nested with", rl._recursion_count() == 2)

    # RLock held elsewhere: non-blocking and timed acquire fail, no deadlock
    got = threading.Event()
    done = threading.Event()

    def holder():
        with rl:
            got.set()
            done.wait(5)
    t = threading.Thread(target=holder, name="lockcheck-holder")
    t.start()
    got.wait(5)
    check("RLock busy: acquire(False)", rl.acquire(False) is False)
    t0 = time.monotonic()
    check("RLock busy: acquire(timeout=0.05)", rl.acquire(timeout=0.05) is False)
    check("timeout waited", time.monotonic() - t0 >= 0.04)
    check("RLock release by non-owner raises", raises(RuntimeError, rl.release))
    done.set()
    t.join(5)
    check("RLock free after holder", rl.acquire(timeout=1) and (rl.release() or True))

    # Lock: binary semaphore, released by another thread
    check("Lock acquire", lk.acquire())
    check("Lock locked()", lk.locked())
    check("Lock not re-entrant", lk.acquire(False) is False)
    check("Lock timed out", lk.acquire(True, 0.02) is False)
    waiter_got = []

    def waiter():
        waiter_got.append(lk.acquire(timeout=5))
    w = threading.Thread(target=waiter, name="lockcheck-waiter")
    w.start()
    time.sleep(0.05)
    r = threading.Thread(target=lk.release, name="lockcheck-releaser")   # foreign release
    r.start()
    r.join(5)
    w.join(5)
    check("foreign release wakes a blocked waiter", waiter_got == [True])
    check("the waiter's thread owns it now", lk.locked())
    lk.release()                       # released by yet another thread
    check("Lock unlocked", not lk.locked())
    check("Lock over-release raises", raises(RuntimeError, lk.release))
    check("bad timeout rejected", raises(ValueError, lambda: lk.acquire(False, 1)))

    # Condition over RLock: wait restores the recursion count
    cond = threading.Condition()
    check("Condition uses a harness RLock", type(cond._lock) is _redirtorture.RLock)
    box = []

    def consumer():
        with cond:
            with cond:
                ok = bool(cond.wait_for(lambda: box, timeout=5))
                box.append(("depth", cond._lock._recursion_count(), ok))
    c = threading.Thread(target=consumer, name="lockcheck-consumer")
    c.start()
    time.sleep(0.05)
    with cond:
        box.append("item")
        cond.notify_all()
    c.join(5)
    check("Condition.wait_for woke", ("depth", 2, True) in box)
    check("Condition notify unowned raises", raises(RuntimeError, cond.notify))

    # Condition over Lock, Event, Semaphore, Queue, Barrier, Thread.join
    ev = threading.Event()
    threading.Timer(0.02, ev.set).start()
    check("Event.wait", ev.wait(5))
    check("Event.wait timeout", threading.Event().wait(0.01) is False)
    sem = threading.BoundedSemaphore(2)
    check("Semaphore", sem.acquire() and sem.acquire() and not sem.acquire(timeout=0.01))
    sem.release()
    sem.release()
    check("BoundedSemaphore over-release", raises(ValueError, sem.release))
    q = queue.Queue(maxsize=1)
    prod = threading.Thread(target=lambda: [q.put(i) for i in range(50)], name="lockcheck-producer")
    prod.start()
    check("Queue", [q.get(timeout=5) for _ in range(50)] == list(range(50)))
    prod.join(5)
    check("Queue.get timeout", raises(queue.Empty, lambda: q.get(timeout=0.01)))
    bar = threading.Barrier(3)
    ts = [threading.Thread(target=bar.wait, args=(5,), name="lockcheck-barrier-%d" % i)
          for i in range(2)]
    for x in ts:
        x.start()
    bar.wait(5)
    for x in ts:
        x.join(5)
    check("Barrier and join", not any(x.is_alive() for x in ts))
    # Condition waits: Waiters named by the Condition's creation site
    check("Event's Condition named by the Event's site",
          ev._cond._rt_name.startswith("lockcheck.py:") and ev._cond._rt_name.endswith(" ev (Event)"))
    check("Queue's Condition named by site and caller",
          q.not_empty._rt_name.startswith("queue.py:")
          and " Queue.not_empty via lockcheck.py:" in q.not_empty._rt_name)
    c2 = threading.Condition()
    waiting = []

    def sleeper():
        with c2:
            c2.wait(5)
    st = threading.Thread(target=sleeper, name="lockcheck-sleeper")
    st.start()
    for _ in range(500):
        with c2:
            waiting = list(c2._waiters)
            if waiting:
                c2.notify()
                break
        time.sleep(0.01)
    st.join(5)
    check("Condition.wait waits on a Waiter",
          len(waiting) == 1 and type(waiting[0]) is _redirtorture.Waiter
          and "c2" in repr(waiting[0]))
    wt = _redirtorture.Waiter("x")
    check("Waiter acquire/locked", wt.acquire() and wt.locked() and wt.acquire(False) is False)
    check("Waiter timed acquire", wt.acquire(True, 0.01) is False)
    wt.release()
    check("Waiter over-release raises", raises(RuntimeError, wt.release))
    check("other locks stay native", type(threading._allocate_lock()) is not _redirtorture.Waiter)
    lk._at_fork_reinit()
    check("_at_fork_reinit", not lk.locked() and lk.acquire(False) and (lk.release() or True))

    _check_multiprocessing()
    _check_thread_module()

    # many threads hammering one lock
    counter = [0]

    def bump():
        for _ in range(2000):
            with lk:
                counter[0] += 1
    ts = [threading.Thread(target=bump, name="lockcheck-bump-%d" % i) for i in range(4)]
    for x in ts:
        x.start()
    for x in ts:
        x.join(30)
    check("mutual exclusion", counter[0] == 8000)


def _check_thread_module():
    """_thread.allocate_lock() made directly is a harness Lock named by its
    site; Thread.join (a harness-visible wait now) still joins, times out,
    and refuses what it refused."""
    import _redirtorture
    import _thread
    raw = _thread.allocate_lock()
    check("_thread.allocate_lock is a harness lock", type(raw) is _redirtorture.Lock)
    check("_thread.allocate_lock named by site",
          raw.name.startswith("lockcheck.py:") and raw.name.endswith(" raw"))
    check("_thread lock acquire/release", raw.acquire() and (raw.release() or True))
    go = threading.Event()
    t = threading.Thread(target=go.wait, name="lockcheck-joined")
    check("join before start raises", raises(RuntimeError, t.join))
    t.start()
    t.join(0.05)
    check("timed join of a live thread returns", t.is_alive())
    check("join of oneself raises", raises(RuntimeError, threading.current_thread().join)
          or threading.current_thread() is threading.main_thread())
    go.set()
    t.join()
    check("join waits for the end", not t.is_alive())
    t.join()
    check("join of an ended thread returns", not t.is_alive())


def _check_multiprocessing():
    """multiprocessing's SemLocks behind a _redirtorture.SemWatch still
    behave as multiprocessing's."""
    import multiprocessing
    import _redirtorture
    mrl = multiprocessing.RLock()
    check("multiprocessing.RLock watched, named by site",
          type(mrl._rt_watch) is _redirtorture.SemWatch
          and mrl._rt_watch.name.startswith("lockcheck.py:")
          and mrl._rt_watch.name.endswith(" mrl (multiprocessing.RLock)"))
    check("multiprocessing.Semaphore watched as a semaphore",
          multiprocessing.Semaphore(1)._rt_watch.name.endswith("(multiprocessing.Semaphore)"))
    check("mp RLock recursion", mrl.acquire() and mrl.acquire(block=True, timeout=1))
    mrl.release()
    mrl.release()
    check("mp RLock over-release raises", raises(AssertionError, mrl.release))
    with mrl:
        with mrl:
            pass
    got, done = threading.Event(), threading.Event()

    def holder():
        with mrl:
            got.set()
            done.wait(5)
    t = threading.Thread(target=holder, name="lockcheck-mp-holder")
    t.start()
    got.wait(5)
    check("mp RLock busy: acquire(False)", mrl.acquire(False) is False)
    check("mp RLock busy: timed acquire", mrl.acquire(timeout=0.05) is False)
    check("mp RLock release by non-owner raises", raises(AssertionError, mrl.release))
    done.set()
    t.join(5)
    check("mp RLock free after holder", mrl.acquire(timeout=1) and (mrl.release() or True))
    ml = multiprocessing.Lock()
    check("mp Lock acquire", ml.acquire() and ml.acquire(False) is False)
    t = threading.Thread(target=ml.release, name="lockcheck-mp-releaser")
    t.start()
    t.join(5)
    check("mp Lock released by another thread", ml.acquire(timeout=1) and (ml.release() or True))
    check("mp Lock over-release raises", raises(ValueError, ml.release))
    sem = multiprocessing.Semaphore(2)
    check("mp Semaphore counts", sem.acquire() and sem.acquire() and sem.acquire(False) is False)
    check("mp Semaphore timed acquire", sem.acquire(timeout=0.02) is False)
    sem.release()
    sem.release()
    check("mp Semaphore value", sem.get_value() == 2)
    mc = multiprocessing.Condition()
    with mc:
        check("mp Condition wait times out", mc.wait(0.02) is False)


def install(harness):
    try:
        _run()
    except Exception as e:              # reported as a failed check
        import traceback
        _results.append(("exception: %s" % "".join(traceback.format_exception(e)), False))
    bad = [n for n, ok in _results if not ok]
    if bad:
        msg = "lockcheck: FAIL %d of %d: %s\n" % (len(bad), len(_results), "; ".join(bad))
    else:
        msg = "lockcheck: %d checks passed\n" % len(_results)
    os.write(harness.report_fd, msg.encode())


def uninstall():
    pass
