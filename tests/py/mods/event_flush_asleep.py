# SPDX-License-Identifier: Apache-2.0
"""event_flush.py without its periodic flusher (tests/py/py_event_wait.sh):
once the flush deadlock is there, every thread of the run is asleep for
good (blocked on a lock or in an untimed Event.wait), as Go's "all
goroutines are asleep"."""
import event_flush
from event_flush import install, uninstall   # noqa: F401 (the protocol)

event_flush.TICKER = False
