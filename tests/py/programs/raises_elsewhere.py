# SPDX-License-Identifier: Apache-2.0
"""Exceptions python3 only prints: one in a thread, one in a finalizer.
The program itself ends normally (exit 0)."""
import gc
import threading


def boom():
    raise RuntimeError("raised in a thread")


class Cycle:
    def __init__(self):
        self.me = self

    def __del__(self):
        raise ValueError("raised in a finalizer")


t = threading.Thread(target=boom, name="worker")
t.start()
t.join()
Cycle()
gc.collect()
print("main done")
