#!/usr/bin/env bash
# Builds and checks the Rust store example end to end against an installed
# tether:
#
#   examples/rust-store/ci.sh PREFIX
#
# PREFIX is where tether was installed (lib/pkgconfig/tether.pc). Runs
# cargo fmt --check and cargo clippy -D warnings (when installed) and the
# store and shim crates' tests; builds store-tether on its own (so it does not link
# libtether, which only its host may) and checks it does not; builds and
# runs the C host and the tokio host against it; then gofmt, go vet and go
# test for examples/go-rust-store (10,000 goroutines through tether and
# through the plain cgo shim) and one run of the Go example. Debug builds:
# faster here than release, counting the compile. Prints its time; exits
# non-zero on the first failure.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 PREFIX" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/env.sh" "$1"
start=$SECONDS
echo "ci.sh: $(cargo --version), $(go env GOVERSION), tether $(pkg-config --modversion tether), SQLite $(pkg-config --modversion sqlite3)"

cd "$here"
if cargo fmt --version >/dev/null 2>&1; then
  echo "ci.sh: cargo fmt --check"
  cargo fmt --all -- --check
else
  echo "ci.sh: rustfmt is not installed: skipping cargo fmt --check"
fi
if cargo clippy --version >/dev/null 2>&1; then
  echo "ci.sh: cargo clippy -D warnings"
  cargo clippy --locked -q -p store -p store-shim --all-targets -- -D warnings
  cargo clippy --locked -q -p store-tether -- -D warnings
  cargo clippy --locked -q -p store-host -- -D warnings
else
  echo "ci.sh: clippy is not installed: skipping cargo clippy"
fi
echo "ci.sh: cargo test --locked (store, store-shim)"
cargo test --locked -p store -p store-shim
echo "ci.sh: cargo build --locked (store-tether alone, then store-shim and store-host)"
cargo build --locked -p store-tether
cargo build --locked -p store-shim -p store-host
bin=$CARGO_TARGET_DIR/debug
if readelf -d "$bin/libstore_tether.so" | grep -q 'NEEDED.*libtether'; then
  echo "ci.sh: libstore_tether.so links libtether; a served library must reach tether only through its host functions" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rust-store-ci.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "ci.sh: C host"
cc -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -pedantic -Werror \
  $(pkg-config --cflags tether) c-host/store_host.c -o "$work/store_host" \
  $(pkg-config --libs tether) -lpthread
"$work/store_host" "$bin/libstore_tether.so" "$work/c.sqlite" --lanes 2 --waves 4 --threads 8

echo "ci.sh: tokio host"
"$bin/store-host" "$bin/libstore_tether.so" "$work/rust.sqlite" --lanes 2 --tasks 500 --rounds 4

cd "$repo/examples/go-rust-store"
unformatted=$(gofmt -l .)
if [[ -n "$unformatted" ]]; then
  echo "ci.sh: not gofmt'd: $unformatted" >&2
  exit 1
fi
# Go's build cache does not hash headers outside the module: key it on the
# installed tether headers, as bindings/go/ci.sh does.
headers_sum=$(cat "$(pkg-config --variable=includedir tether)"/tether/*.h | md5sum | cut -c1-16)
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DTETHER_HEADERS_SUM=$headers_sum"
export STORE_TETHER_LIBRARY=$bin/libstore_tether.so STORE_SHIM_LIBRARY=$bin/libstore_shim.so CI=true
echo "ci.sh: go vet + go test (examples/go-rust-store)"
go vet ./...
go test -count=1 -timeout 5m -v ./... 2>&1 | grep -E '^(---|ok|FAIL|PASS)|main_test.go'
echo "ci.sh: go run (examples/go-rust-store)"
go build -o "$work/go-rust-store" .
"$work/go-rust-store" -goroutines 2000 -dir "$work"
echo "ci.sh: ok in $((SECONDS - start)) s"
