#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install what redirtorture needs on a Debian bookworm machine (apt-get, as
# root).  Idempotent and quick when everything is present: `make stress` and
# `make test` call it every time.
#   scripts/install-deps.sh         the build, the tests, the embedded-Python targets
#   scripts/install-deps.sh afl     also AFL++ (afl-fuzz, afl-clang-fast): the
#                                   fuzz-afl preset, .ci/run's AFL++ smoke and
#                                   scripts/nightly-fuzz.sh need it
set -euo pipefail

# package -> a file or command that proves it is installed
need=(
  "cmake:/usr/bin/cmake"
  "make:/usr/bin/make"
  "clang:/usr/bin/clang"
  "libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.tsan-x86_64.a"
  "valgrind:/usr/bin/valgrind"
  "python3-rich:/usr/lib/python3/dist-packages/rich/__init__.py"
  "libpython3.11-dev:/usr/bin/python3.11-config"
  "pkgconf:/usr/bin/pkg-config"   # finds jansson; test target_plugin builds the out-of-tree example
  "libjansson-dev:/usr/include/jansson.h"   # every JSON report and trace (harness/base/json.h)
  "libdw-dev:/usr/include/elfutils/libdwfl.h"   # native stacks in reports (harness/base/nativestack.c)
  "graphviz:/usr/bin/dot"         # test ctl_trace renders replay --dot output
  "python3.11-venv:/usr/lib/python3.11/ensurepip/__init__.py"   # scripts/make-venvs.sh
  "python3-pytest:/usr/lib/python3/dist-packages/pytest/__init__.py"
  "python3-jsonschema:/usr/lib/python3/dist-packages/jsonschema/__init__.py"   # tests validate reports
)
case ${1:-} in
  '') ;;
  afl) need+=("afl++:/usr/bin/afl-fuzz" "afl++-clang:/usr/bin/afl-clang-fast") ;;
  *) echo "install-deps: unknown argument '$1' (expected nothing or 'afl')" >&2; exit 64 ;;
esac
missing=()
for entry in "${need[@]}"; do
  pkg=${entry%%:*}
  path=${entry#*:}
  [ -e "$path" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
