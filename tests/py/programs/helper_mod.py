# SPDX-License-Identifier: Apache-2.0
"""Imported by args_exit.py from the script's own directory (sys.path[0])."""
WHERE = "next to the script"
