# SPDX-License-Identifier: Apache-2.0
"""The fixed twin of event_flush.py (tests/py/py_event_wait.sh): flush()
waits for the I/O thread without holding the handler's lock."""
import event_flush
from event_flush import install, uninstall   # noqa: F401 (the protocol)

event_flush.HOLD_HANDLER_LOCK = False
