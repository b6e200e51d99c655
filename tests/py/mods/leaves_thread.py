# SPDX-License-Identifier: Apache-2.0
"""A py: target whose uninstall() leaves a thread running: a finding
(tests/py/py_module_errors.sh)."""
import threading

_stop = threading.Event()


def install(harness):
    threading.Thread(target=lambda: _stop.wait(6), name="forgotten-worker", daemon=True).start()


def uninstall():
    pass                       # should set _stop and join
