#!/usr/bin/env bash
# Checks the Rust crates against an installed tether.
#
#   bindings/rust/ci.sh PREFIX KVSTORE_MODULE
#
# PREFIX is where tether was installed (it holds lib/pkgconfig/tether.pc);
# KVSTORE_MODULE is the path of the kvstore example library (libkvstore.so).
# Runs cargo fmt --check (when rustfmt is installed); builds the Rust test
# library (tether-testlib) without libtether and checks that it neither
# links it nor leaves a tether symbol for the loader to find; then runs
# cargo test --locked for the other crates, building into the repository's
# build/rust-target so nothing lands in the source tree. Exits non-zero on
# the first failure.
#
# With TETHER_ASAN_API_TESTS set to an AddressSanitizer build's
# tether_api_tests binary, it then runs that binary's Rust library test
# against the test library too (rust_library_check.sh).
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
asan_api_tests=""
if [[ -n "${TETHER_ASAN_API_TESTS:-}" ]]; then
  if [[ ! -x "$TETHER_ASAN_API_TESTS" ]]; then
    echo "ci.sh: TETHER_ASAN_API_TESTS=$TETHER_ASAN_API_TESTS is not an executable" >&2
    exit 1
  fi
  asan_api_tests=$(cd "$(dirname "$TETHER_ASAN_API_TESTS")" && pwd)/$(basename "$TETHER_ASAN_API_TESTS")
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

pcdir=""
for dir in "$prefix/lib/pkgconfig" "$prefix/lib64/pkgconfig" "$prefix"/lib/*/pkgconfig; do
  if [[ -f "$dir/tether.pc" ]]; then pcdir=$dir; break; fi
done
if [[ -z "$pcdir" ]]; then
  echo "ci.sh: no tether.pc under $prefix" >&2
  exit 1
fi

if ! command -v cargo >/dev/null; then
  echo "ci.sh: cargo is not installed (Rust 1.63 or newer is required; see https://rustup.rs)" >&2
  exit 1
fi
if ! command -v pkg-config >/dev/null; then
  echo "ci.sh: pkg-config is not installed (tether-sys finds libtether with it)" >&2
  exit 1
fi
echo "ci.sh: $(cargo --version), tether $(PKG_CONFIG_PATH=$pcdir pkg-config --modversion tether) from $prefix"

export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$(dirname "$pcdir")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TETHER_KVSTORE_LIBRARY="$kvstore"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/build/rust-target}"

cd "$here"
if cargo fmt --version >/dev/null 2>&1; then
  echo "ci.sh: cargo fmt --check"
  cargo fmt --all -- --check
else
  echo "ci.sh: rustfmt is not installed: skipping cargo fmt --check"
fi
# Built alone, so that no other crate's features reach it, and without
# PKG_CONFIG_PATH: a library served by tether must build without one.
echo "ci.sh: cargo build --locked -p tether-testlib (without libtether)"
env -u PKG_CONFIG_PATH cargo build --locked -p tether-testlib
testlib="$CARGO_TARGET_DIR/debug/libtether_testlib.so"
bash "$here/check_unlinked.sh" "$testlib"
export TETHER_RUST_TESTLIB="$testlib"

echo "ci.sh: cargo test --locked (target dir $CARGO_TARGET_DIR)"
cargo test --locked --workspace --exclude tether-testlib

if [[ -n "$asan_api_tests" ]]; then
  bash "$here/rust_library_check.sh" "$asan_api_tests" "$testlib"
fi
echo "ci.sh: ok"
