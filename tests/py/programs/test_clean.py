# SPDX-License-Identifier: Apache-2.0
"""pytest: threads that share two locks, always in the same order."""
import threading

first = threading.Lock()
second = threading.RLock()
counter = []


def bump():
    for _ in range(200):
        with first:
            with second:
                counter.append(1)


def test_same_order():
    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(counter) == 800
