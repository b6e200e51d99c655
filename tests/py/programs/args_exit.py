# SPDX-License-Identifier: Apache-2.0
"""Prints what python3 would give a script, then exits with argv[1]."""
import os
import sys

import helper_mod

print("argv=%r" % (sys.argv,))
print("name=%s file=%s" % (__name__, __file__))
print("path0=%s" % sys.path[0])
print("cwd=%s" % os.getcwd())
print("helper=%s" % helper_mod.WHERE)
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
