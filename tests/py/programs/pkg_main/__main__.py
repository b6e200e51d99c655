# SPDX-License-Identifier: Apache-2.0
"""python3 -m pkg_main ARGS: prints argv and __name__."""
import sys

print("argv=%r name=%s" % (sys.argv[1:], __name__))
