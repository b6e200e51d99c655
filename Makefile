# Thin wrapper: the documented verbs.  Everything real is in CMake.
#   make stress SCENARIO=live_refresh [TARGET=rich_live_fixed] [SEED=N] [SANITIZER=thread] [ARGS=...]
#   make test [SANITIZER=thread|address,undefined]
#   make list | make bench | make bench-py | make bench-controlled | make stress-all
comma := ,
SCENARIO ?= live_refresh
TARGET ?=
SEED ?=
SANITIZER ?=
ARGS ?=

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

.PHONY: deps configure build stress stress-all test list bench bench-py bench-controlled clean

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
	@$(BIN) run --scenario $(SCENARIO) $(if $(TARGET),--target $(TARGET)) \
	  $(if $(SEED),--seed $(SEED)) --report $(REPORT) $(ARGS); \
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

clean:
	rm -rf build
