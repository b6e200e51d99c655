# SPDX-License-Identifier: Apache-2.0
"""A py: target module that forgets install() (tests/py/py_module_errors.sh)."""


def uninstall():
    pass
