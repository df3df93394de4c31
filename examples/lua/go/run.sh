#!/usr/bin/env bash
# Builds and runs lua-host against a tether found through pkg-config.
#
#   examples/lua/go/run.sh PKG_CONFIG_DIR LIBDIR LUA_MODULE [lua-host flags]
#
# PKG_CONFIG_DIR holds tether.pc; LIBDIR holds libtether.so; LUA_MODULE is
# libtether_lua.so. Checks gofmt and go vet first.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 PKG_CONFIG_DIR LIBDIR LUA_MODULE [flags]" >&2
  exit 2
fi
pcdir=$(cd "$1" && pwd)
libdir=$(cd "$2" && pwd)
module=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
shift 3
if [[ ! -f "$pcdir/tether.pc" || ! -f "$module" ]]; then
  echo "run.sh: no tether.pc in $pcdir, or no $module" >&2
  exit 1
fi
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v go >/dev/null; then
  echo "run.sh: go is not installed" >&2
  exit 1
fi
export PKG_CONFIG_PATH="$pcdir" LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1 GOTOOLCHAIN=local
# Go's build cache hashes neither headers outside the module nor what
# pkg-config answers: key it on tether's headers and on the tether.pc used,
# so a package built against another tether (another prefix) is not reused.
includedir=$(pkg-config --variable=includedir tether)
headers_sum=$(cat "$includedir"/tether/*.h "$pcdir/tether.pc" | md5sum | cut -c1-16)
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DTETHER_HEADERS_SUM=$headers_sum"
unformatted=$(gofmt -l .)
if [[ -n "$unformatted" ]]; then
  echo "run.sh: not gofmt'd: $unformatted" >&2
  exit 1
fi
go vet ./...
binary=$(mktemp)
trap 'rm -f "$binary"' EXIT
go build -o "$binary" .
"$binary" -library "$module" "$@"
