# Controlled execution (issue: explore, replay, minimize, repro files).
# Included from tests/CMakeLists.txt.
if(REDIRTORTURE_SANITIZER STREQUAL "thread")
  set(_rt_ctl_scale 4)
elseif(REDIRTORTURE_SANITIZER)
  set(_rt_ctl_scale 2)
else()
  set(_rt_ctl_scale 1)
endif()

function(rt_ctl_test name timeout)
  add_test(NAME ${name} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${name}.sh)
  set_tests_properties(${name} PROPERTIES
    LABELS "controlled;${ARGN}"
    TIMEOUT ${timeout}
    ENVIRONMENT "RT_BIN=$<TARGET_FILE:redirtorture>;RT_TIME_SCALE=${_rt_ctl_scale};RT_SANITIZER=${REDIRTORTURE_SANITIZER};RT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

rt_ctl_test(ctl_corpus_replay 300 corpus)
rt_ctl_test(ctl_exact_deadlock 200)
rt_ctl_test(ctl_minimize 300)
rt_ctl_test(ctl_divergence 120)
rt_ctl_test(ctl_bad_repro 60 parser)
rt_ctl_test(ctl_strategies 400)
rt_ctl_test(ctl_trace 60)

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
