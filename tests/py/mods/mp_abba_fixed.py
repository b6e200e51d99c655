# SPDX-License-Identifier: Apache-2.0
"""The fixed twin of mp_abba.py (tests/py/py_mp_locks.sh): flush() takes the
output lock first, as write() does."""
import mp_abba
from mp_abba import install, uninstall   # noqa: F401 (the protocol)

mp_abba.FLUSH_BAR_FIRST = False
