#!/usr/bin/env bash
# Checks the Python binding and its example against an installed tether.
#
#   bindings/python/ci.sh PREFIX KVSTORE_MODULE
#
# PREFIX is where tether was installed (it holds lib/pkgconfig/tether.pc);
# KVSTORE_MODULE is the path of the kvstore example library (libkvstore.so).
# With the release interpreter ($PYTHON, default python3, 3.10 or newer):
# a venv under the repository's build/python/, the locked requirements,
# the binding built from bindings/python, mypy --strict, the tests (both
# event loops) and examples/python. Then the same tests under Debian's
# debug interpreter (python3.11-dbg, installed with apt-get if missing) with
# PYTHONMALLOC=debug and -X dev. Exits non-zero on the first failure.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PREFIX KVSTORE_MODULE" >&2
  exit 2
fi
prefix=$(cd "$1" && pwd)
if [[ ! -f "$2" ]]; then
  echo "ci.sh: kvstore module $2 does not exist" >&2
  exit 1
fi
kvstore=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/build/python"

pcdir=""
for dir in "$prefix/lib/pkgconfig" "$prefix/lib64/pkgconfig" "$prefix"/lib/*/pkgconfig; do
  if [[ -f "$dir/tether.pc" ]]; then pcdir=$dir; break; fi
done
if [[ -z "$pcdir" ]]; then
  echo "ci.sh: no tether.pc under $prefix" >&2
  exit 1
fi
if ! command -v pkg-config >/dev/null; then
  echo "ci.sh: pkg-config is not installed (the binding finds libtether with it)" >&2
  exit 1
fi

apt_install() {
  local sudo_cmd=()
  [[ "$(id -u)" -eq 0 ]] || sudo_cmd=(sudo)
  echo "ci.sh: installing $*"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    { "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "ci.sh: $python is missing or older than Python 3.10" >&2
  exit 1
fi
has_headers='import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'
if ! "$python" -c "$has_headers" || ! "$python" -c 'import ensurepip' 2>/dev/null; then
  if [[ "$(command -v "$python")" == /usr/bin/* ]]; then
    apt_install python3-dev python3-venv
  else
    echo "ci.sh: $python lacks Python.h or ensurepip (venv)" >&2
    exit 1
  fi
fi

export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export TETHER_KVSTORE_LIBRARY="$kvstore"
export TETHER_PY_TEST_BUILD="$out/test-lib"
export TETHER_LEAK_CHECK=fail
echo "ci.sh: $("$python" --version), tether $(pkg-config --modversion tether) from $prefix"

# venv DIR PYTHON LOCK: a venv whose packages are exactly the lock file's.
venv() {
  local dir=$1 interpreter=$2 lock=$3
  if [[ ! -x "$dir/bin/python" ]] || ! cmp -s "$lock" "$dir/installed-lock.txt"; then
    rm -rf "$dir"
    "$interpreter" -m venv "$dir"
    "$dir/bin/python" -m pip install -q --disable-pip-version-check --require-hashes -r "$lock"
    cp "$lock" "$dir/installed-lock.txt"
  fi
}

# install_binding VENV BUILD_DIR: builds and installs bindings/python.
install_binding() {
  TETHER_PY_BUILD_DIR=$2 "$1/bin/python" -m pip install -q --disable-pip-version-check \
    --no-build-isolation --no-deps --force-reinstall "$here" 2>&1 |
    grep -vE 'SetuptoolsDeprecationWarning|^\s*$|warnings.warn|byte-compiling' || true
  "$1/bin/python" -c 'import tether; print("ci.sh: binding", tether.__version__, "built against tether", tether.HEADER_VERSION, "runs on", tether.LIBRARY_VERSION)'
}

cd "$here"
echo "ci.sh: release interpreter: venv, binding"
venv "$out/venv" "$python" requirements/release.txt
install_binding "$out/venv" "$out/setuptools"
echo "ci.sh: mypy --strict"
"$out/venv/bin/python" -m mypy --strict --no-incremental --cache-dir "$out/mypy-cache"
echo "ci.sh: pytest (default loop and uvloop)"
"$out/venv/bin/python" -m pytest -q
echo "ci.sh: examples/python"
"$out/venv/bin/python" "$repo/examples/python/kvstore_demo.py" "$kvstore"

debug_python=${DEBUG_PYTHON:-python3.11-dbg}
if ! command -v "$debug_python" >/dev/null || ! "$debug_python" -m venv --help >/dev/null 2>&1 ||
  ! "$debug_python" -c 'import ensurepip' 2>/dev/null; then
  apt_install python3.11-dbg python3.11-venv
fi
echo "ci.sh: debug interpreter: $("$debug_python" --version) with PYTHONMALLOC=debug -X dev"
venv "$out/debug-venv" "$debug_python" requirements/debug.txt
install_binding "$out/debug-venv" "$out/debug-setuptools"
PYTHONMALLOC=debug "$out/debug-venv/bin/python" -X dev -m pytest -q
echo "ci.sh: ok"
