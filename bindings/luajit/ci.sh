#!/usr/bin/env bash
# Checks the LuaJIT binding against an installed tether.
#
#   bindings/luajit/ci.sh PREFIX KVSTORE_MODULE LUA_MODULE
#
# PREFIX is where tether was installed (include/ and lib/); KVSTORE_MODULE
# is the kvstore example library (libkvstore.so), which the tests call;
# LUA_MODULE is the Lua 5.4 example library (libtether_lua.so), which must
# refuse to start in a LuaJIT process. Compiles abi_check.c against the
# installed headers, then runs every test with test/run.lua.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 PREFIX KVSTORE_MODULE LUA_MODULE" >&2
  exit 2
fi
prefix=$(cd "$1" && pwd)
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
kvstore=$(absolute "$2")
lua_module=$(absolute "$3")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for file in "$kvstore" "$lua_module"; do
  if [[ ! -f "$file" ]]; then
    echo "ci.sh: $file does not exist" >&2
    exit 1
  fi
done
if [[ ! -f "$prefix/include/tether/tether.h" ]]; then
  echo "ci.sh: no include/tether/tether.h under $prefix" >&2
  exit 1
fi
libdir=""
for dir in "$prefix/lib" "$prefix/lib64" "$prefix"/lib/*-linux-gnu; do
  if [[ -e "$dir/libtether.so" ]]; then libdir=$dir; break; fi
done
if [[ -z "$libdir" ]]; then
  echo "ci.sh: no libtether.so under $prefix" >&2
  exit 1
fi
if ! command -v luajit >/dev/null; then
  echo "ci.sh: luajit is not installed" >&2
  exit 1
fi
echo "ci.sh: $(luajit -v | cut -d' ' -f1-2), tether from $prefix"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -std=c99 -Wall -Wextra -pedantic -Werror -I"$prefix/include" \
  "$here/abi_check.c" -o "$work/abi_check"
"$work/abi_check" >"$work/abi.lua"

cd "$here"
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  TETHER_ABI="$work/abi.lua" \
  TETHER_KVSTORE_LIBRARY="$kvstore" \
  TETHER_LUA_MODULE="$lua_module" \
  luajit test/run.lua
