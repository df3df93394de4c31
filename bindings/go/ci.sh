#!/usr/bin/env bash
# Checks the Go binding and its example against an installed tether.
#
#   bindings/go/ci.sh PREFIX KVSTORE_MODULE
#
# PREFIX is where tether was installed (it holds lib/pkgconfig/tether.pc);
# KVSTORE_MODULE is the path of the kvstore example library (libkvstore.so).
# Runs gofmt, go vet and the race-detector tests for bindings/go, the
# 10,000-goroutine test at full size without the race detector, one quick
# benchmark run, a module outside the tree built against the binding, then
# builds and runs examples/go. Exits non-zero on the first failure.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PREFIX KVSTORE_MODULE" >&2
  exit 2
fi
prefix=$(cd "$1" && pwd)
kvstore=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
examples=$(cd "$here/../../examples/go" && pwd)

pcdir=""
for dir in "$prefix/lib/pkgconfig" "$prefix/lib64/pkgconfig" "$prefix"/lib/*/pkgconfig; do
  if [[ -f "$dir/tether.pc" ]]; then pcdir=$dir; break; fi
done
if [[ -z "$pcdir" ]]; then
  echo "ci.sh: no tether.pc under $prefix" >&2
  exit 1
fi
if [[ ! -f "$kvstore" ]]; then
  echo "ci.sh: kvstore module $kvstore does not exist" >&2
  exit 1
fi

if ! command -v go >/dev/null; then
  echo "ci.sh: go is not installed (Go 1.22 or newer is required)" >&2
  exit 1
fi
version=$(go env GOVERSION)           # go1.22.5, go1.23rc1, ...
numbers=${version#go}
major=${numbers%%.*}
rest=${numbers#*.}
minor=${rest%%[!0-9]*}
if (( major < 1 || (major == 1 && minor < 22) )); then
  echo "ci.sh: $version is too old: Go 1.22 or newer is required" >&2
  exit 1
fi
echo "ci.sh: $version, tether $(PKG_CONFIG_PATH=$pcdir pkg-config --modversion tether) from $prefix"

export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$(dirname "$pcdir")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TETHER_KVSTORE_LIBRARY="$kvstore"
export CGO_ENABLED=1 CI=true GOTOOLCHAIN=local
# Go's build cache does not hash headers outside the module: key it on the
# installed tether headers, so objects built against older ones are not reused.
headers_sum=$(cat "$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=includedir tether)"/tether/*.h | md5sum | cut -c1-16)
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DTETHER_HEADERS_SUM=$headers_sum"

for dir in "$here" "$examples"; do
  unformatted=$(cd "$dir" && gofmt -l .)
  if [[ -n "$unformatted" ]]; then
    echo "ci.sh: not gofmt'd in $dir:" >&2
    echo "$unformatted" >&2
    exit 1
  fi
done

cd "$here"
echo "ci.sh: go vet (bindings/go)"
go vet ./...
echo "ci.sh: go test -race (bindings/go)"
go test -race -count=1 -timeout 10m ./...
echo "ci.sh: 10,000 goroutines x 100 calls, without the race detector"
go test -count=1 -timeout 5m -run 'TestKVStoreSessionsStayOnePerLane' -v . | grep -E '^(---|ok|FAIL)|goroutines ×'
echo "ci.sh: the benchmark tables from one quick run, as a smoke test (the numbers mean little)"
go run ./internal/benchreport -quick -runs 1

# A module outside the tree depends on the binding as README.md says, with
# require and replace lines, and calls the kvstore module through it.
echo "ci.sh: a module outside the tree builds against the binding"
consumer=$(mktemp -d)
trap 'rm -rf "$consumer"' EXIT
cat >"$consumer/go.mod" <<EOF
module example.com/consumer

go 1.22

require tether.dev/tether v0.0.0

replace tether.dev/tether => $here
EOF
cat >"$consumer/main.go" <<'EOF'
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"tether.dev/tether"
)

func main() {
	rt, err := tether.OpenPath(os.Args[1], "tether_kvstore_library", &tether.Options{Lanes: 1})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer rt.Close()
	if _, err := rt.Call(context.Background(), 99, tether.AnyLane, nil); !errors.Is(err, tether.ErrLibrary) {
		fmt.Fprintln(os.Stderr, "an unknown method answered", err)
		os.Exit(1)
	}
	fmt.Println("consumer: ok")
}
EOF
(cd "$consumer" && go vet . && go build -o consumer . && ./consumer "$kvstore")

cd "$examples"
echo "ci.sh: go vet + build + run (examples/go)"
go vet ./...
go build -o "${TMPDIR:-/tmp}/tether-kvstore-demo" .
"${TMPDIR:-/tmp}/tether-kvstore-demo" -library "$kvstore"
echo "ci.sh: ok in ${SECONDS}s"
