# SPDX-License-Identifier: Apache-2.0
# Python targets (issue 5): real Rich and py:MODULE targets in embedded
# CPython.  Label "python".  When the build has no embedded Python
# (REDIRTORTURE_PYTHON=OFF; AUTO turns it off in the sanitizer presets,
# CPython is not sanitizer-clean) or python3-rich is missing, the targets
# exit 69 with a known message and these tests report SKIPPED
# (SKIP_RETURN_CODE 69), never passed.  Total ~4 minutes, most of it the
# py_rich_hang pair (20 x ~1.5-2.5 s each) and the noredirect pair (20 x ~3 s
# each).  The *_live_refresh pair is the issue's command, `make stress
# SCENARIO=live_refresh TARGET=py_rich` (8 workers).
#   ctest --preset default -L python
rt_sh_test(py_rich_hang              py/py_rich_hang.sh              150 "python;stress;watchdog;lockorder")
rt_sh_test(py_rich_hang_live_refresh py/py_rich_hang.sh              150 "python;stress;watchdog;lockorder"
           live_refresh)
rt_sh_test(py_rich_noredirect_clean  py/py_rich_noredirect_clean.sh  200 "python;stress;clean")
rt_sh_test(py_rich_noredirect_clean_live_refresh py/py_rich_noredirect_clean.sh 200 "python;stress;clean"
           live_refresh)
rt_sh_test(py_rich_prints_clean      py/py_rich_prints_clean.sh      100 "python;stress;clean")
rt_sh_test(py_log_handlers           py/py_log_handlers.sh           120 "python;stress;watchdog")
rt_sh_test(py_gc_points              py/py_gc_points.sh               60 "python;unit")
rt_sh_test(py_gc_reentry             py/py_gc_reentry.sh              60 "python;watchdog")
rt_sh_test(py_plugin_load            py/py_plugin_load.sh             60 "python;parser")
rt_sh_test(py_example_clean          py/py_example_clean.sh          100 "python;clean")
rt_sh_test(py_lockcheck              py/py_lockcheck.sh               60 "python;unit")
rt_sh_test(py_event_wait             py/py_event_wait.sh             120 "python;watchdog")
rt_sh_test(py_mp_locks              py/py_mp_locks.sh               120 "python;watchdog")
rt_sh_test(py_driver_frames          py/py_driver_frames.sh           60 "python;clean")
rt_sh_test(py_fd_redirect            py/py_fd_redirect.sh             90 "python;clean")
rt_sh_test(py_queue_fin              py/py_queue_fin.sh               90 "python;watchdog")
rt_sh_test(py_select_hang           py/py_select_hang.sh            120 "python;watchdog")
rt_sh_test(py_join_wait             py/py_join_wait.sh               90 "python;watchdog")
rt_sh_test(py_report_frames         py/py_report_frames.sh           90 "python;watchdog;report")
rt_sh_test(py_crash_stacks          py/py_crash_stacks.sh            90 "python;supervisor")
rt_sh_test(py_module_errors          py/py_module_errors.sh           90 "python;parser")
set_tests_properties(py_rich_hang py_rich_hang_live_refresh py_rich_noredirect_clean
                     py_rich_noredirect_clean_live_refresh py_rich_prints_clean py_log_handlers py_gc_points py_gc_reentry py_example_clean
                     py_lockcheck py_module_errors py_event_wait py_mp_locks py_driver_frames
                     py_fd_redirect py_queue_fin py_select_hang py_join_wait py_report_frames py_crash_stacks PROPERTIES SKIP_RETURN_CODE 69)

# `redirtorture py` (issue 13): programs and test suites run unchanged.
rt_sh_test(py_program_basics         py/py_program_basics.sh          90 "python;parser")
set_tests_properties(py_program_basics PROPERTIES SKIP_RETURN_CODE 69)
rt_sh_test(py_program_pytest         py/py_program_pytest.sh          90 "python;lockorder")
set_tests_properties(py_program_pytest PROPERTIES SKIP_RETURN_CODE 69)
rt_sh_test(py_program_rich           py/py_program_rich.sh           200 "python;stress;watchdog;lockorder")
rt_sh_test(py_program_rich_noredirect py/py_program_rich.sh          120 "python;stress;clean" noredirect)
set_tests_properties(py_program_rich py_program_rich_noredirect PROPERTIES SKIP_RETURN_CODE 69)
rt_sh_test(py_program_drivers        py/py_program_drivers.sh        100 "python;oracle")
set_tests_properties(py_program_drivers PROPERTIES SKIP_RETURN_CODE 69)
rt_sh_test(py_program_fds            py/py_program_fds.sh            120 "python;oracle;clean")
set_tests_properties(py_program_fds PROPERTIES SKIP_RETURN_CODE 69)
rt_sh_test(py_marimo_wait            py/py_marimo_wait.sh             60 "python;unit")

# Controlled Python (issue 14): explore / replay / minimize on real Python
# code, every Python thread under the scheduler.  Deterministic: they pass
# the same on a loaded machine, only slower (TIMEOUT for both CPUs busy).
rt_sh_test(ctl_py_explore            py/ctl_py_explore.sh            900 "controlled;python")
set_tests_properties(ctl_py_explore PROPERTIES SKIP_RETURN_CODE 69)
rt_sh_test(ctl_py_rich_replay        py/ctl_py_rich_replay.sh        900 "controlled;python;corpus")
set_tests_properties(ctl_py_rich_replay PROPERTIES SKIP_RETURN_CODE 69)
rt_sh_test(ctl_py_rich_minimize      py/ctl_py_rich_minimize.sh      600 "controlled;python;corpus")
set_tests_properties(ctl_py_rich_minimize PROPERTIES SKIP_RETURN_CODE 69)
rt_sh_test(ctl_py_idents             py/ctl_py_idents.sh             300 "controlled;python")
set_tests_properties(ctl_py_idents PROPERTIES SKIP_RETURN_CODE 69)
