#!/usr/bin/env bash
# Checks the Rust crates against an installed tether.
#
#   bindings/rust/ci.sh PREFIX KVSTORE_MODULE
#
# PREFIX is where tether was installed (it holds lib/pkgconfig/tether.pc);
# KVSTORE_MODULE is the path of the kvstore example library (libkvstore.so).
# Runs cargo fmt --check and cargo clippy --all-targets -D warnings (each
# when installed) and cargo test --locked for bindings/rust, building into
# the repository's build/rust-target so nothing lands in the source tree.
# Prints how long it took. Exits non-zero on the first failure.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/env.sh" "$@"

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
  cargo clippy --locked --all-targets -- -D warnings
else
  echo "ci.sh: clippy is not installed: skipping cargo clippy"
fi
echo "ci.sh: cargo test --locked (target dir $CARGO_TARGET_DIR)"
cargo test --locked
echo "ci.sh: ok in $((SECONDS - start))s"
