# SPDX-License-Identifier: Apache-2.0
# A stand-in that makes `import rich` fail as on a machine without
# python3-rich (tests/py/py_module_errors.sh puts it first on PYTHONPATH).
raise ModuleNotFoundError("No module named 'rich'", name="rich")
