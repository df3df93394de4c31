# Sourced by ci.sh and bench.sh: `source env.sh PREFIX` points pkg-config,
# the loader, cargo and go at the tether installed in PREFIX, and checks
# the tools are there.
prefix=$(cd "$1" && pwd)
pcdir=""
for dir in "$prefix/lib/pkgconfig" "$prefix/lib64/pkgconfig" "$prefix"/lib/*/pkgconfig; do
  if [[ -f "$dir/tether.pc" ]]; then pcdir=$dir; break; fi
done
if [[ -z "$pcdir" ]]; then
  echo "no tether.pc under $prefix" >&2
  exit 1
fi
[[ -d "$HOME/.cargo/bin" ]] && PATH="$HOME/.cargo/bin:$PATH"
for tool in cargo go pkg-config cc; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is not installed" >&2
    exit 1
  fi
done
cargo_version=$(cargo --version | cut -d' ' -f2)
if [[ "$(printf '%s\n1.85.0\n' "$cargo_version" | sort -V | head -1)" != 1.85.0 ]]; then
  echo "cargo $cargo_version is too old: the locked dependencies need Rust 1.85 or newer" >&2
  exit 1
fi
if ! pkg-config --exists sqlite3; then
  echo "SQLite's development files are missing (Debian: libsqlite3-dev)" >&2
  exit 1
fi
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$(dirname "$pcdir")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/build/rust-store-target}"
export CGO_ENABLED=1 GOTOOLCHAIN=local
