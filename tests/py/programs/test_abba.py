# SPDX-License-Identifier: Apache-2.0
"""pytest: one test whose two threads take two locks in opposite orders.
The threads run one after the other, so the test always passes; the order
inversion is still there."""
import threading

accounts_lock = threading.Lock()
audit_lock = threading.Lock()


def transfer():
    with accounts_lock:
        with audit_lock:
            pass


def audit():
    with audit_lock:
        with accounts_lock:
            pass


def test_transfer_then_audit():
    for fn in (transfer, audit):
        t = threading.Thread(target=fn, name=fn.__name__)
        t.start()
        t.join()
