# SPDX-License-Identifier: Apache-2.0
# Thin wrapper: the documented verbs.  Everything real is in CMake.
#   make stress SCENARIO=live_refresh [TARGET=rich_live_fixed] [SEED=N] [SANITIZER=thread] [ARGS=...]
#               [VENV=rich-14.2.0]   (py targets: make and use build/venvs/VENV, seeds/lock/VENV.txt)
#   make stress-py ARGS="[--runs N ...] -- SCRIPT ARGS"   (or -- -m pytest ...; docs/py-programs.md)
#   make test [SANITIZER=thread|address,undefined]
#   make list | make bench | make bench-py | make bench-controlled | make stress-all
#   make bench-lock [ARGS="SAMPLES ITERS"]   instrumented lock vs plain mutex (bench/lockbench.c)
#   make venvs                  pinned virtual environments of the seeds (build/venvs/, needs PyPI)
#   make seeds-rich [RUNS=10]   Rich #4158 on every pinned Rich version: table (docs/seeds.md)
comma := ,
SCENARIO ?= live_refresh
TARGET ?=
SEED ?=
SANITIZER ?=
ARGS ?=
VENV ?=

ifeq ($(SANITIZER),)
PRESET := default
else ifeq ($(SANITIZER),thread)
PRESET := tsan
else ifneq ($(filter address address$(comma)undefined address+undefined asan-ubsan,$(SANITIZER)),)
PRESET := asan-ubsan
else
$(error SANITIZER=$(SANITIZER): expected empty, thread, or address,undefined)
endif
BIN := build/$(PRESET)/redirtorture
REPORT := build/reports/$(SCENARIO)$(if $(TARGET),-$(TARGET)).json

.PHONY: deps configure build stress stress-py stress-all test list bench bench-py bench-controlled bench-lock clean venvs seeds-rich

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

# make's own exit status is 2 on any failure; the harness's exit code (see the
# README's table) is printed on the last line.
stress: build
	@mkdir -p build/reports
	@$(if $(VENV),bash scripts/make-venvs.sh $(VENV) &&) \
	  $(BIN) run --scenario $(SCENARIO) $(if $(TARGET),--target $(TARGET)) \
	  $(if $(SEED),--seed $(SEED)) $(if $(VENV),--set py_venv=build/venvs/$(VENV)) \
	  --report $(REPORT) $(ARGS); \
	  rc=$$?; echo "redirtorture exit code: $$rc"; exit $$rc

# a Python program or test suite: make stress-py ARGS="[--runs N ...] -- SCRIPT|-m MODULE ..."
stress-py: build
	@mkdir -p build/reports
	@$(BIN) py --report build/reports/py.json $(ARGS); \
	  rc=$$?; echo "redirtorture exit code: $$rc"; exit $$rc

stress-all: build
	@bash scripts/stress-all.sh $(BIN) $(ARGS)

test: build
	@ctest --preset $(PRESET) $(ARGS)

list: build
	@$(BIN) list

bench: build
	@bash bench/run.sh

bench-py: build
	@bash bench/py_gc.sh

# Controlled mode: executions/s by strategy, --jobs, thread count, TSan; lock cost.
bench-controlled: build
	@cmake --preset tsan >/dev/null && cmake --build --preset tsan >/dev/null || true
	@/usr/bin/python3 bench/controlled.py $(ARGS)

# One uncontended instrumented acquire+release against a plain pthread mutex,
# 0/1/64/256 other locks held, interleaved (docs/benchmarks.md).
bench-lock: build
	@build/$(PRESET)/lockbench $(ARGS)

venvs:
	@bash scripts/make-venvs.sh

seeds-rich: build
	@RT_BIN=$(BIN) bash scripts/rich-versions.sh $(if $(DOCS),--docs)

clean:
	rm -rf build
