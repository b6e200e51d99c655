# SPDX-License-Identifier: Apache-2.0
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

# The incremental hash of the enabled set: the check bytes of repros stay.
add_executable(checkhash_test checkhash_test.c)
target_link_libraries(checkhash_test PRIVATE redirtorture_core)
add_test(NAME checkhash_unit COMMAND checkhash_test)
set_tests_properties(checkhash_unit PROPERTIES LABELS "controlled;unit" TIMEOUT 60)

# User-level contexts for the fiber backend (sched/fiber.c).
add_executable(fiber_test fiber_test.c)
target_link_libraries(fiber_test PRIVATE redirtorture_core)
add_test(NAME fiber_unit COMMAND fiber_test)
set_tests_properties(fiber_unit PROPERTIES LABELS "controlled;unit" TIMEOUT 60)

# No caps a real program hits (issue 2): 300 held locks, a 70-lock cycle
# across 70 threads.
# One signature per lock-order bug: edges from the most recent held lock
# only, a cycle reported once along its own chain.
add_executable(lockgraph_chain_test lockgraph_chain_test.c)
target_link_libraries(lockgraph_chain_test PRIVATE redirtorture_core)
add_test(NAME lockgraph_one_signature COMMAND lockgraph_chain_test)
# the test's lock-order inversion is on purpose: TSan's own detector is off here
set_tests_properties(lockgraph_one_signature PROPERTIES LABELS "lockorder;unit" TIMEOUT 30
  ENVIRONMENT "TSAN_OPTIONS=detect_deadlocks=0")
# One new edge closing several cycles reports each (rich_live's shape).
add_executable(lockgraph_multi_test lockgraph_multi_test.c)
target_link_libraries(lockgraph_multi_test PRIVATE redirtorture_core)
add_test(NAME lockgraph_multi_cycle COMMAND lockgraph_multi_test)
set_tests_properties(lockgraph_multi_cycle PROPERTIES LABELS "lockorder;unit" TIMEOUT 30
  ENVIRONMENT "TSAN_OPTIONS=detect_deadlocks=0")
# Every edge keeps how it was taken, over all acquisitions along it (the
# facts behind commands/explain.c's lines).
add_executable(lockgraph_edge_facts_test lockgraph_edge_facts_test.c)
target_link_libraries(lockgraph_edge_facts_test PRIVATE redirtorture_core)
add_test(NAME lockgraph_edge_facts COMMAND lockgraph_edge_facts_test)
set_tests_properties(lockgraph_edge_facts PROPERTIES LABELS "lockorder;unit" TIMEOUT 30)
# Signature keys: class@function, no lines (base/signature.h).
# The line tag written by hand: what snprintf wrote, truncated alike.
add_executable(oracle_line_test oracle_line_test.c)
target_link_libraries(oracle_line_test PRIVATE redirtorture_core)
add_test(NAME oracle_line COMMAND oracle_line_test)
set_tests_properties(oracle_line PROPERTIES LABELS "oracle;unit" TIMEOUT 30)
add_executable(signature_test signature_test.c)
target_link_libraries(signature_test PRIVATE redirtorture_core)
add_test(NAME signature_unit COMMAND signature_test)
set_tests_properties(signature_unit PROPERTIES LABELS "signature;unit" TIMEOUT 30)
# End to end: a copy of the tree with lines inserted above the lock sites of
# busted.c and rich_live.c replays the committed repros with the same
# signatures (default build only: it builds the copy, ~1 min).
if(NOT REDIRTORTURE_SANITIZER)
  add_test(NAME signature_stable COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/signature_stable.sh)
  set_tests_properties(signature_stable PROPERTIES LABELS "signature;slow" TIMEOUT 600
    ENVIRONMENT "RT_BIN=$<TARGET_FILE:redirtorture>;RT_SOURCE_DIR=${PROJECT_SOURCE_DIR};TEST_NAME=signature_stable")
endif()
add_executable(lockgraph_caps_test lockgraph_caps_test.c)
target_link_libraries(lockgraph_caps_test PRIVATE redirtorture_core)
add_test(NAME lockgraph_no_caps COMMAND lockgraph_caps_test)
# TSan's own deadlock detector gives up past 64 held locks and is slow with
# 300; this test is about ours, so TSan's is off here.
set_tests_properties(lockgraph_no_caps PROPERTIES LABELS "lockorder;unit" TIMEOUT 120
  ENVIRONMENT "TSAN_OPTIONS=detect_deadlocks=0")
# The fiber backend against the thread backend: same schedules, same
# findings, each thread's stack in the report.
rt_sh_test(ctl_fibers          ctl_fibers.sh          200 "controlled")
# The lock fast path (runtime/lock.c): each chain of held classes validated
# once per thread (lockdep's chain cache), bookkeeping linear in the locks
# held; 512 held at once, so TSan's own detector is off here.
add_executable(lock_chain_cache_test lock_chain_cache_test.c)
target_link_libraries(lock_chain_cache_test PRIVATE redirtorture_core)
add_test(NAME lock_chain_cache COMMAND lock_chain_cache_test)
set_tests_properties(lock_chain_cache PROPERTIES LABELS "lockorder;unit" TIMEOUT 60
  ENVIRONMENT "TSAN_OPTIONS=detect_deadlocks=0")
# The owner-only held list: readers on other threads get one version of it,
# a binary lock released by another thread leaves it for readers and owner.
add_executable(lock_held_readers_test lock_held_readers_test.c)
target_link_libraries(lock_held_readers_test PRIVATE redirtorture_core)
add_test(NAME lock_held_readers COMMAND lock_held_readers_test)
set_tests_properties(lock_held_readers PROPERTIES LABELS "lockorder;unit" TIMEOUT 120)
# The lock in a process that never had a second thread (lock_fast.h: the
# real lock taken with pthread_mutex_lock, not trylock): the same held list,
# owners and findings, a self-deadlock still recorded before it blocks, and
# trylock again once a thread was started; trylocks counted through --wrap.
# Its one-thread inversion is for our detector: TSan's, which now sees those
# acquires as blocking ones (lock, not trylock), is off here.
# (Not in the fuzz builds, afl and libfuzzer: they have no inline fast path,
# RT_LOCK_INLINE, see CMakeLists.txt.)
if(NOT REDIRTORTURE_FUZZ MATCHES "^(afl|libfuzzer)$")
  add_executable(lock_single_thread_test lock_single_thread_test.c)
  target_link_libraries(lock_single_thread_test PRIVATE redirtorture_core)
  target_link_options(lock_single_thread_test PRIVATE "LINKER:--wrap=pthread_mutex_trylock")
  add_test(NAME lock_single_thread COMMAND lock_single_thread_test)
  set_tests_properties(lock_single_thread PROPERTIES LABELS "lockorder;unit" TIMEOUT 90
    SKIP_RETURN_CODE 77 ENVIRONMENT "TSAN_OPTIONS=detect_deadlocks=0")
endif()
