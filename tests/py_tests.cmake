# Python targets (issue 5): real Rich and py:MODULE targets in embedded
# CPython.  Label "python".  When the build has no embedded Python
# (REDIRTORTURE_PYTHON=OFF; AUTO turns it off in the sanitizer presets,
# CPython is not sanitizer-clean) or python3-rich is missing, the targets
# exit 69 with a known message and these tests report SKIPPED
# (SKIP_RETURN_CODE 69), never passed.  Total ~2.5 minutes, most of it
# py_rich_hang (20 x ~2.5 s) and py_rich_noredirect_clean (20 x ~3 s).
#   ctest --preset default -L python
rt_sh_test(py_rich_hang              py/py_rich_hang.sh              150 "python;stress;watchdog;lockorder")
rt_sh_test(py_rich_noredirect_clean  py/py_rich_noredirect_clean.sh  200 "python;stress;clean")
rt_sh_test(py_example_clean          py/py_example_clean.sh          100 "python;clean")
rt_sh_test(py_lockcheck              py/py_lockcheck.sh               60 "python;unit")
rt_sh_test(py_module_errors          py/py_module_errors.sh           90 "python;parser")
set_tests_properties(py_rich_hang py_rich_noredirect_clean py_example_clean py_lockcheck
                     py_module_errors PROPERTIES SKIP_RETURN_CODE 69)
