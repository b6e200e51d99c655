# SPDX-License-Identifier: Apache-2.0
# Reliability (issue 11): the harness never hangs, never lies, never loses its
# evidence.  Included from tests/CMakeLists.txt; rt_sh_test scales TIMEOUTs.
rt_sh_test(reliab_ctl_threads     reliab_ctl_threads.sh     300 "reliability;controlled")
rt_sh_test(reliab_disk_full       reliab_disk_full.sh        90 "reliability;report")
set_tests_properties(reliab_disk_full PROPERTIES SKIP_RETURN_CODE 77)
rt_sh_test(reliab_symlink         reliab_symlink.sh          60 "reliability;report")
rt_sh_test(reliab_input_errors   reliab_input_errors.sh     60 "reliability;parser")
rt_sh_test(reliab_supervised_replay reliab_supervised_replay.sh 90 "reliability;controlled;supervisor")
rt_sh_test(reliab_signals         reliab_signals.sh          90 "reliability;supervisor")
rt_sh_test(reliab_end_phases     reliab_end_phases.sh      120 "reliability;supervisor;watchdog")
rt_sh_test(reliab_verdicts       reliab_verdicts.sh        240 "reliability;watchdog")
# a thread inside the harness's own work (a long sink write) is never a HANG
add_executable(settle_harness_work_test settle_harness_work_test.c)
target_link_libraries(settle_harness_work_test PRIVATE redirtorture_core)
add_test(NAME settle_harness_work COMMAND settle_harness_work_test)
set_tests_properties(settle_harness_work PROPERTIES LABELS "reliability;watchdog;unit" TIMEOUT 60)
# the heartbeats while a target starts stop at once when start() returns
add_executable(beats_test beats_test.c)
target_link_libraries(beats_test PRIVATE redirtorture_core)
add_test(NAME start_beats COMMAND beats_test)
set_tests_properties(start_beats PROPERTIES LABELS "reliability;supervisor;unit" TIMEOUT 30)
