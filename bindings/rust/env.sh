# Sourced by ci.sh and bench.sh: checks their two arguments and sets up the
# environment the crates build and run in.
#
#   source env.sh PREFIX KVSTORE_MODULE
#
# Sets PKG_CONFIG_PATH (tether.pc under PREFIX), LD_LIBRARY_PATH,
# TETHER_KVSTORE_LIBRARY (the absolute path of KVSTORE_MODULE) and
# CARGO_TARGET_DIR (the repository's build/rust-target unless already set),
# and `here`, the bindings/rust directory. Exits on a bad argument.

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PREFIX KVSTORE_MODULE" >&2
  exit 2
fi
prefix=$(cd "$1" && pwd)
if [[ ! -f "$2" ]]; then
  echo "$0: kvstore module $2 does not exist" >&2
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
  echo "$0: no tether.pc under $prefix" >&2
  exit 1
fi

if ! command -v cargo >/dev/null; then
  echo "$0: cargo is not installed (Rust 1.63 or newer is required; see https://rustup.rs)" >&2
  exit 1
fi
if ! command -v pkg-config >/dev/null; then
  echo "$0: pkg-config is not installed (tether-sys finds libtether with it)" >&2
  exit 1
fi
echo "$(basename "$0"): $(cargo --version), tether $(PKG_CONFIG_PATH=$pcdir pkg-config --modversion tether) from $prefix"

export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$(dirname "$pcdir")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TETHER_KVSTORE_LIBRARY="$kvstore"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/build/rust-target}"
