#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_program_basics.sh: `redirtorture py` runs a program as python3 would
# (docs/py-programs.md) and its exit status is the verdict: sys.argv,
# __name__, __file__, sys.path[0] (the script's directory), the working
# directory, -m PACKAGE (its __main__), -c CODE; exit 0 -> SUCCESS (0), exit
# 3 -> FAILED (6) with the status in the finding and the JSON report; an
# uncaught exception -> FAILED with the program's traceback (no harness
# frame); exceptions in a thread or a finalizer -> FINDING; --venv and
# VIRTUAL_ENV give the venv's own sys.path.  Bad input: a missing script, a
# syntax error, a module that cannot be found, a directory that is not a
# venv -> one line on stderr and exit 69; a bad command line -> 64.
# No concurrency beyond one thread at a time: deterministic.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

P="$RT_SOURCE_DIR/tests/py/programs"
cp -r "$P/args_exit.py" "$P/helper_mod.py" "$P/pkg_main" "$P/syntax_error.py" .

run ok 20000 py --report ok.json -- args_exit.py 0 "two words"
skip_if_no_python
expect_rc 0
expect_verdict SUCCESS
expect_in ok.out "^argv=\['args_exit.py', '0', 'two words'\]$" "sys.argv"
expect_in ok.out '^name=__main__ file=args_exit.py$' "__name__ and __file__"
expect_in ok.out "^path0=$WORK$" "sys.path[0] is the script's directory"
expect_in ok.out "^cwd=$WORK$" "the working directory"
expect_in ok.out '^helper=next to the script$' "imports from the script's directory"
expect_in ok.out '^summary: .*; findings 0$' "summary"
"$PY" -c 'import json,sys; d=json.load(open("ok.json")); assert d["verdict"]=="SUCCESS" and d["exit_code"]==0 and d["config"]["target"]=="py", d' \
  || fail "ok.json"

mkdir sub
cd sub
run "$WORK/st" 20000 py --report st.json -- ../args_exit.py 3
cd ..
expect_rc 6
expect_verdict FAILED
expect_in st.out "^cwd=$WORK/sub$" "cwd is the caller's"
expect_in st.out "^path0=$WORK$" "sys.path[0] is still the script's directory"
expect_in st.err '^FAILED: the program exited with status 3; target py, scenario py, seed [0-9]+$' "the failure"
expect_in st.err '^signature: FAILED:[0-9a-f]{16} exit 3$' "its signature"
"$PY" -c 'import json,sys; d=json.load(open("sub/st.json")); f=d["findings"]; assert d["verdict"]=="FAILED" and d["exit_code"]==6 and [x["kind"] for x in f]==["program-exit"], d' \
  || fail "st.json"

run mod 20000 py --report none -- -m pkg_main a -b
expect_rc 0
expect_in mod.out "^argv=\['a', '-b'\] name=__main__$" "-m PACKAGE runs its __main__ with its arguments"

run code 20000 py --report none -- -c 'import sys; print("c-argv=%r path0=%r" % (sys.argv, sys.path[0])); raise KeyError("boom")' x
expect_rc 6
expect_in code.out "^c-argv=\['-c', 'x'\] path0=''$" "-c: sys.argv and sys.path[0]"
expect_in code.err '^  File "<string>", line 1, in <module>$' "the program's traceback"
expect_in code.err "^KeyError: 'boom'$" "the exception"
expect_in code.err '^signature: FAILED:[0-9a-f]{16} exit 1 KeyError$' "signature: status and type"
expect_not_in code.err 'redirtorture_program\.py' "no harness frame in the traceback"

# exceptions in a thread and in a finalizer: findings (python3 only prints
# them), the program's own status 0 is no failure
run raises 20000 py --report none -- "$P/raises_elsewhere.py"
expect_rc 1
expect_verdict FINDING
expect_in raises.out '^main done$' "the program ran on"
expect_in raises.err '^FINDING: python exception: thread worker: RuntimeError in raises_elsewhere\.py:[0-9]+; target py' "thread exception"
expect_in raises.err '^FINDING: python exception: unraisable \(finalizer\): ValueError in raises_elsewhere\.py:[0-9]+; target py' "finalizer exception"
expect_not_in raises.err '^FAILED:' "no program failure"

# a venv made by Debian's python3 (no pip needed): its site-packages and .pth
# files where the system's would be, the system's only with
# --system-site-packages; the same sys.path as the venv's own python3
/usr/bin/python3 -m venv --without-pip ve
/usr/bin/python3 -m venv --without-pip --system-site-packages ve_sys
for v in ve ve_sys; do
  echo 'WHERE = "in the venv"' >"$v/lib/python3.11/site-packages/venvmod.py"
  echo "$WORK/extra" >"$v/lib/python3.11/site-packages/extra.pth"
done
mkdir extra && echo 'X = 1' >extra/pthmod.py
SHOW='import sys, venvmod, pthmod; print("venv:", venvmod.WHERE, sys.prefix, sys.executable); print("path:", sys.path[1:])'
run venv 20000 py --report none --venv ve -- -c "$SHOW"
expect_rc 0
expect_in venv.out "^venv: in the venv $WORK/ve $WORK/ve/bin/python3$" "--venv: its module, sys.prefix, sys.executable"
[ "$(grep '^path:' venv.out)" = "path: $(VIRTUAL_ENV="$WORK/ve" ve/bin/python3 -c 'import sys; print(sys.path[1:])')" ] \
  || fail "--venv: sys.path differs from the venv's python3: $(grep '^path:' venv.out)"
VIRTUAL_ENV="$WORK/ve_sys" run venv_sys 20000 py --report none -- -c "$SHOW"
expect_rc 0
expect_in venv_sys.out "^venv: in the venv $WORK/ve_sys " "VIRTUAL_ENV"
[ "$(grep '^path:' venv_sys.out)" = "path: $(ve_sys/bin/python3 -c 'import sys; print(sys.path[1:])')" ] \
  || fail "VIRTUAL_ENV with system site-packages: sys.path differs: $(grep '^path:' venv_sys.out)"

one_line() {   # one_line NAME REGEX WHAT: exit 69, stderr is exactly one matching line
  expect_rc 69
  [ "$(wc -l <"$1.err")" -eq 1 ] || fail "$3: stderr is not one line"
  expect_in "$1.err" "$2" "$3"
  expect_not_in "$1.err" 'Traceback' "$3: no traceback"
}
run missing 20000 py -- no_such_script.py
one_line missing "^redirtorture: py: can't open file 'no_such_script.py': No such file or directory$" "missing script"
run syntax 20000 py --report none -- syntax_error.py
one_line syntax "^redirtorture: target py cannot start: syntax_error.py:2: SyntaxError: .*$" "syntax error with file and line"
run nomod 20000 py --report none -- -m no_such_module_xyz
one_line nomod "^redirtorture: target py cannot start: -m no_such_module_xyz: ImportError: No module named no_such_module_xyz" "missing module"
run badvenv 20000 py --report none --venv "$WORK/extra" -- args_exit.py
one_line badvenv "^redirtorture: target py cannot start: virtual environment $WORK/extra: cannot read $WORK/extra/pyvenv.cfg" "not a venv"
run badopt 20000 py --bogus -- args_exit.py
expect_rc 64
expect_in badopt.err "^redirtorture: unknown option '--bogus' for py" "unknown option"
run badruns 20000 py --runs 0 -- args_exit.py
expect_rc 64
run noprog 20000 py --
expect_rc 64
expect_in noprog.err '^redirtorture: py needs a program' "no program"
pass "argv, __main__, path, cwd, -m, -c, venv as python3; exit status as verdict; bad input in one line"
