# Controlled execution (issue: explore, replay, minimize, repro files).
# Included from tests/CMakeLists.txt.
# rt_sh_test (tests/CMakeLists.txt) scales each TIMEOUT by RT_TIME_SCALE.
rt_sh_test(ctl_corpus_replay   ctl_corpus_replay.sh   300 "controlled;corpus")
rt_sh_test(ctl_exact_deadlock  ctl_exact_deadlock.sh  200 "controlled")
rt_sh_test(ctl_minimize        ctl_minimize.sh        300 "controlled")
rt_sh_test(ctl_divergence      ctl_divergence.sh      120 "controlled")
rt_sh_test(ctl_jobs            ctl_jobs.sh            120 "controlled")
rt_sh_test(ctl_bad_repro       ctl_bad_repro.sh        60 "controlled;parser")
rt_sh_test(ctl_strategies      ctl_strategies.sh      400 "controlled")
rt_sh_test(ctl_trace           ctl_trace.sh            60 "controlled")

add_executable(trace_test trace_test.c)
target_link_libraries(trace_test PRIVATE redirtorture_core)
add_test(NAME trace_export_unit COMMAND trace_test)
set_tests_properties(trace_export_unit PROPERTIES LABELS "controlled;unit" TIMEOUT 60)

# No caps a real program hits (issue 2): 300 held locks, a 70-lock cycle
# across 70 threads.
add_executable(lockgraph_caps_test lockgraph_caps_test.c)
target_link_libraries(lockgraph_caps_test PRIVATE redirtorture_core)
add_test(NAME lockgraph_no_caps COMMAND lockgraph_caps_test)
# TSan's own deadlock detector gives up past 64 held locks and is slow with
# 300; this test is about ours, so TSan's is off here.
set_tests_properties(lockgraph_no_caps PROPERTIES LABELS "lockorder;unit" TIMEOUT 120
  ENVIRONMENT "TSAN_OPTIONS=detect_deadlocks=0")
