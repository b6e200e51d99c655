# SPDX-License-Identifier: Apache-2.0
# Fuzz targets (issue 6, docs/fuzzing.md): every corpus directory replayed by
# the standalone build of its fuzz target.  Included from tests/CMakeLists.txt.
#   ctest -L fuzz
if(NOT REDIRTORTURE_FUZZ STREQUAL "standalone")
  return()   # libFuzzer/AFL++ builds: the fuzzers run corpora themselves
endif()
if(REDIRTORTURE_SANITIZER STREQUAL "thread")
  set(_rt_fuzz_scale 4)
  # rich_live and busted take real pthread mutexes in ABBA order: TSan's
  # lock-order report is the same bug the harness reports; races still count
  set(_rt_fuzz_env "TSAN_OPTIONS=detect_deadlocks=0")
elseif(REDIRTORTURE_SANITIZER)
  set(_rt_fuzz_scale 2)
  set(_rt_fuzz_env "")
else()
  set(_rt_fuzz_scale 1)
  set(_rt_fuzz_env "")
endif()
set(_rt_corpus ${PROJECT_SOURCE_DIR}/corpus)

# rt_fuzz_test(NAME TIMEOUT_S COMMAND...)
function(rt_fuzz_test name timeout)
  add_test(NAME ${name} COMMAND ${ARGN})
  math(EXPR _t "${timeout} * ${_rt_fuzz_scale}")
  set(_env "REDIRTORTURE_REPRO_DIR=${CMAKE_CURRENT_BINARY_DIR}/fuzz-repros" ${_rt_fuzz_env})
  set_tests_properties(${name} PROPERTIES LABELS "fuzz" TIMEOUT ${_t} ENVIRONMENT "${_env}")
endfunction()

# clean seeds: any finding aborts with its report, as under the fuzzer
rt_fuzz_test(fuzz_corpus_schedule 60 $<TARGET_FILE:fuzz_schedule> ${_rt_corpus}/fuzz_schedule)
# regression seeds: each must give the signature in its .expected sidecar
rt_fuzz_test(fuzz_regressions_schedule 60
  $<TARGET_FILE:fuzz_schedule> --expect-findings ${_rt_corpus}/fuzz_schedule-regressions)
# the shipped scenario files are seeds too, read where they live
file(GLOB _rt_scenarios CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.scn)
rt_fuzz_test(fuzz_corpus_scenario_parser 60
  $<TARGET_FILE:fuzz_scenario_parser> ${_rt_corpus}/fuzz_scenario_parser ${_rt_scenarios})
rt_fuzz_test(fuzz_corpus_repro_parser 60
  $<TARGET_FILE:fuzz_repro_parser> ${_rt_corpus}/fuzz_repro_parser)

# a finding: abort, full report, a repro `redirtorture replay` accepts
add_test(NAME fuzz_finding_repro COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_finding.sh)
math(EXPR _t "120 * ${_rt_fuzz_scale}")
set(_env RT_BIN=$<TARGET_FILE:redirtorture> RT_FUZZ_DIR=$<TARGET_FILE_DIR:fuzz_schedule>
  RT_TIME_SCALE=${_rt_fuzz_scale} RT_SANITIZER=${REDIRTORTURE_SANITIZER}
  RT_SOURCE_DIR=${PROJECT_SOURCE_DIR} TEST_NAME=fuzz_finding_repro ${_rt_fuzz_env})
set_tests_properties(fuzz_finding_repro PROPERTIES LABELS "fuzz" TIMEOUT ${_t} ENVIRONMENT "${_env}")

# the fuzzable targets come from the registry; committed inputs keep their target
add_test(NAME fuzz_schedule_targets COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_targets.sh)
set(_env RT_BIN=$<TARGET_FILE:redirtorture> RT_FUZZ_DIR=$<TARGET_FILE_DIR:fuzz_schedule>
  RT_SOURCE_DIR=${PROJECT_SOURCE_DIR} TEST_NAME=fuzz_schedule_targets ${_rt_fuzz_env})
set_tests_properties(fuzz_schedule_targets PROPERTIES LABELS "fuzz" TIMEOUT 60 ENVIRONMENT "${_env}")

# .clusterfuzzlite/build.sh without Docker: builds the libFuzzer targets into
# a temporary OUT; known bugs are not crashes, the planted one is; each
# fuzzer fuzzes from its seed corpus (60 s fuzz_schedule, 20 s per parser)
# without a crash (needs clang with libFuzzer)
if(NOT REDIRTORTURE_SANITIZER)
  add_test(NAME fuzz_clusterfuzzlite_build
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_cflite_build.sh)
  set_tests_properties(fuzz_clusterfuzzlite_build PROPERTIES LABELS "fuzz;slow" TIMEOUT 900
    ENVIRONMENT "RT_BIN=$<TARGET_FILE:redirtorture>;RT_SOURCE_DIR=${PROJECT_SOURCE_DIR};TEST_NAME=fuzz_clusterfuzzlite_build")
  # scripts/nightly-fuzz.sh: exit 1 with a minimized repro on a planted bug,
  # exit 0 on the same tree without it (2 x 20 s of libFuzzer, ~2 min)
  add_test(NAME fuzz_nightly_planted COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/nightly_planted.sh)
  set_tests_properties(fuzz_nightly_planted PROPERTIES LABELS "fuzz;slow;nightly" TIMEOUT 900
    ENVIRONMENT "RT_BIN=$<TARGET_FILE:redirtorture>;RT_SOURCE_DIR=${PROJECT_SOURCE_DIR};TEST_NAME=fuzz_nightly_planted")
endif()
