# SPDX-License-Identifier: Apache-2.0
# Run-mode session targets (issue 4: marimo #8306 / PR #8353).  Included at
# the end of tests/CMakeLists.txt; uses its rt_sh_test().  About 40 s in the
# default build, of which 15 s is the proxy's long clean run.
rt_sh_test(sessions_fd_redirect       sessions_fd_redirect.sh       60 "sessions;oracle")
rt_sh_test(sessions_fd_redirect_hang  sessions_fd_redirect_hang.sh  90 "sessions;watchdog")
rt_sh_test(sessions_repro             sessions_repro.sh             60 "sessions;corpus")
rt_sh_test(sessions_global_swap       sessions_buggy.sh             60 "sessions;oracle" global_swap)
rt_sh_test(sessions_proxy_global_redirect sessions_buggy.sh         60 "sessions;oracle"
           proxy_with_global_redirect)
rt_sh_test(sessions_proxy_clean       sessions_proxy_clean.sh       60 "sessions;clean")
rt_sh_test(sessions_nostart           sessions_nostart.sh           30 "sessions")
rt_sh_test(sessions_script_input      sessions_script_input.sh      30 "sessions;parser")
