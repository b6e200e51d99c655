#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Out-of-tree targets: install into a temporary prefix, build
# examples/out-of-tree-target/ outside the source tree with its Makefile
# (pkg-config against the prefix), and run the installed program with
# --target-plugin from a directory outside the source tree:
#   - mine (clean) passes live_refresh: exit 0, no finding, real work done;
#   - mine_abba is caught on busted_abba: FINDING (1) or DEADLOCK (2) with
#     the Mine.stats / Mine.terminal inversion; explore finds it as a repro
#     that replays (with --target-plugin) to the same verdict;
#   - plugins that must not load exit 69 with one line, and nothing is called
#     in them: built for another API version, struct sizes that differ, no
#     plugin symbol, not a shared object, an rt_* function the binary lacks,
#     a target name that is taken; --target-plugin without a file is 64.
source "$(dirname "$0")/lib.sh"
: "${RT_CC:=cc}"

BUILD=$(cd "$(dirname "$RT_BIN")" && pwd)
P=$WORK/prefix
cmake --install "$BUILD" --prefix "$P" >install.log 2>&1 || { cat install.log >&2; fail "cmake --install"; }
[ -f "$P/share/pkgconfig/redirtorture.pc" ] || fail "no redirtorture.pc in the prefix"
[ "$(PKG_CONFIG_PATH=$P/share/pkgconfig pkg-config --variable=target_api_version redirtorture)" = 1 ] ||
  fail "redirtorture.pc: target_api_version is not 1"

cp -r "$RT_SOURCE_DIR/examples/out-of-tree-target" "$WORK/ex"
make -C "$WORK/ex" PREFIX="$P" CC="$RT_CC" >make.log 2>&1 || { cat make.log >&2; fail "example did not build"; }
PLUGIN=$WORK/ex/libmytarget.so

mkdir "$WORK/elsewhere" && cd "$WORK/elsewhere"
RT_BIN=$P/bin/redirtorture

run list 10000 list --target-plugin "$PLUGIN"
expect_rc 0
expect_in list.out '^  mine +out-of-tree example: per-thread line buffers' "list: mine"
expect_in list.out '^  mine_abba +buggy +out-of-tree example with an ABBA' "list: mine_abba"

BOUND=$((1000 + 1000 + $(scaled 2000)))
run mine $((BOUND + 10000)) run --target-plugin "$PLUGIN" --target mine --scenario live_refresh \
  --set duration_ms=1000 --report mine.json
expect_ms_below "$BOUND" "mine"
expect_in mine.out '^  target = mine$' "mine: the plugin's target ran"
expect_clean_run "mine on live_refresh" 'print_ops >= 20' 'finalizer_ops >= 1'

BOUND=$((5000 + 1000 + $(scaled 1000)))
run abba $((BOUND + 10000)) run --target-plugin="$PLUGIN" --target mine_abba --scenario busted_abba --report none
expect_rc 1 2
expect_in abba.err '^FINDING: potential deadlock \(lock-order inversion\); target mine_abba' "mine_abba: finding"
expect_in abba.err '^signature: LOCKORDER:[0-9a-f]{16} Mine\.(stats|terminal) -> Mine\.(stats|terminal) -> Mine\.(stats|terminal)$' \
  "mine_abba: the Mine inversion"

# Controlled exploration finds the ABBA as a repro, which replays with the plugin.
run explore 60000 explore --target-plugin "$PLUGIN" --target mine_abba --scenario busted_abba \
  --seed 1 --runs 2000 --repro abba.repro
expect_rc 1 2
[ -f abba.repro ] || fail "explore wrote no repro"
want=$RC
run replay 30000 replay --target-plugin "$PLUGIN" abba.repro
expect_rc "$want"
expect_in replay.err 'Mine\.(stats|terminal)' "replay: the Mine locks"
# The replay commands the reports print name the plugin file, and work as printed.
expect_in abba.out "^replay: .* --target-plugin $(realpath "$PLUGIN") --target mine_abba " "run: the replay line names the plugin"
# (the binary as invoked, so the command runs as printed from where it ran)
line=$(grep -h -m1 -F "replay: $RT_BIN replay " explore.err explore.out | head -n 1 || true)
[ -n "$line" ] || fail "explore: no 'replay: $RT_BIN replay' line"
cmd=${line#"replay: $RT_BIN "}
case "$cmd" in *"--target-plugin $(realpath "$PLUGIN") "*) ;; *) fail "explore: replay line without the plugin: $cmd" ;; esac
eval "set -- $cmd"
run replay_printed 30000 "$@"
expect_rc "$want"

# Plugins that must be refused: each a small C file against the installed headers.
build() {   # build NAME SOURCE
  printf '%s\n' "$2" >"$1.c"
  "$RT_CC" -std=c11 -fPIC -shared -I"$P/include" -o "lib$1.so" "$1.c" 2>"$1.cc.log" ||
    { cat "$1.cc.log" >&2; fail "$1: did not compile"; }
}
OPS='#include <redirtorture/rt.h>
static int st(const struct rt_target_env *e, const char **w) { (void)e; (void)w; return 0; }
static void sp(void) {}
static void wr(enum rt_stream s, const char *b, size_t n) { (void)s; (void)b; (void)n; }
static void fl(enum rt_stream s) { (void)s; }
static const struct rt_target_ops ops = { .name = NAME, .start = st, .stop = sp, .write = wr, .flush = fl };
static const struct rt_target_ops *const list[] = { &ops, 0 };'
header() {   # header API_VERSION OPS_SIZE
  echo "__attribute__((visibility(\"default\"))) const struct rt_target_plugin rt_target_plugin =
  { RT_TARGET_PLUGIN_MAGIC, $1, $2, sizeof(struct rt_target_env), list };"
}
build old "#define NAME \"old\"
$OPS
$(header 0 'sizeof(struct rt_target_ops)')"
build sized "#define NAME \"sized\"
$OPS
$(header RT_TARGET_API_VERSION 'sizeof(struct rt_target_ops) - 8')"
build nosym 'int not_a_plugin = 1;'
build undef "#define NAME \"undef\"
void rt_no_such_function(void);
static void call(void) { rt_no_such_function(); }
$OPS
RT_TARGET_PLUGIN(&ops);
void (*keep)(void) = call;"
build taken "#define NAME \"busted\"
$OPS
RT_TARGET_PLUGIN(&ops);"
echo 'not a shared object' >libtext.so

refuse() {   # refuse NAME TARGET REGEX
  run "$1" 20000 run --target-plugin "./lib$1.so" --target "$2" --scenario live_refresh --set duration_ms=200 --report none
  expect_rc 69
  expect_in "$1.err" "^redirtorture: cannot load target plugin \\./lib$1\\.so: $3" "$1: refused"
  [ "$(wc -l <"$1.err")" -eq 1 ] || fail "$1: more than one line on stderr"
}
refuse old old 'it was built for target API version 0, this redirtorture has version 1: rebuild'
refuse sized sized 'its struct sizes \(ops [0-9]+, env [0-9]+ bytes\) differ'
refuse nosym x 'not a redirtorture target plugin \(no symbol rt_target_plugin\)$'
refuse undef undef '.*undefined symbol: rt_no_such_function'
refuse taken busted 'target busted is already defined'
refuse text x '.*(invalid ELF header|file too short)'

run novalue 10000 run --scenario live_refresh --target-plugin
expect_rc 64
expect_in novalue.err "^redirtorture: option '--target-plugin' needs a value" "--target-plugin without a file"

run unknown 10000 run --scenario live_refresh --target mine --report none
expect_rc 64
expect_in unknown.err "unknown target 'mine'" "without the plugin, mine is unknown"

pass "out-of-tree plugin built against the installed prefix: mine clean, mine_abba caught; 6 bad plugins refused with exit 69"
