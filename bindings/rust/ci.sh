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
