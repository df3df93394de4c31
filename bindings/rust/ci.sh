#!/usr/bin/env bash
# Checks the Rust crates against an installed tether.
#
#   bindings/rust/ci.sh PREFIX KVSTORE_MODULE
#
# PREFIX is where tether was installed (it holds lib/pkgconfig/tether.pc);
# KVSTORE_MODULE is the path of the kvstore example library (libkvstore.so).
# Runs cargo fmt --check and cargo clippy --all-targets -D warnings (each
# when installed); builds the Rust test library (tether-testlib) without
# libtether and checks that it neither links it nor leaves a tether symbol
# for the loader to find; then runs cargo test --locked for the other
# crates, building into the repository's build/rust-target so nothing lands
# in the source tree. Prints how long it took. Exits non-zero on the first
# failure.
#
# With TETHER_ASAN_API_TESTS set to an AddressSanitizer build's
# tether_api_tests binary, it then runs that binary's Rust library test
# against the test library too (rust_library_check.sh).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/env.sh" "$@"
asan_api_tests=""
if [[ -n "${TETHER_ASAN_API_TESTS:-}" ]]; then
  if [[ ! -x "$TETHER_ASAN_API_TESTS" ]]; then
    echo "ci.sh: TETHER_ASAN_API_TESTS=$TETHER_ASAN_API_TESTS is not an executable" >&2
    exit 1
  fi
  asan_api_tests=$(cd "$(dirname "$TETHER_ASAN_API_TESTS")" && pwd)/$(basename "$TETHER_ASAN_API_TESTS")
fi

start=$SECONDS
cd "$here"
if cargo fmt --version >/dev/null 2>&1; then
  echo "ci.sh: cargo fmt --check"
  cargo fmt --all -- --check
else
  echo "ci.sh: rustfmt is not installed: skipping cargo fmt --check"
fi
if cargo clippy --version >/dev/null 2>&1; then
  echo "ci.sh: cargo clippy --all-targets -- -D warnings"
  cargo clippy --locked --workspace --all-targets -- -D warnings
else
  echo "ci.sh: clippy is not installed: skipping cargo clippy"
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
echo "ci.sh: ok in $((SECONDS - start))s"
