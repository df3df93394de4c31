#!/usr/bin/env bash
# Installs tether into a scratch prefix, then builds and runs a C program the
# way cgo and build scripts will: flags from `pkg-config tether` only, and a
# CMake project through find_package(tether).
set -euo pipefail
build_dir=$1
source_dir=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null
libdir=$(ls -d "$scratch"/prefix/lib*/ | head -n 1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir"

pkg-config --exists tether
test "$(pkg-config --modversion tether)" = "$(sed -n 's/^#define TETHER_VERSION_STRING "\(.*\)"/\1/p' \
  "$source_dir/ffi/include/tether/version.h")"

cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$scratch/version_probe" \
  "$source_dir/tests/install/version_probe.c" $(pkg-config --cflags --libs tether)
"$scratch/version_probe"

# Only tether_* symbols leave the library.
if nm -D --defined-only "$libdir/libtether.so" | awk '{print $3}' |
    grep -v -e '^tether_' -e '^TETHER_0$' | grep -q .; then
  echo "libtether.so exports symbols outside tether_*:" >&2
  nm -D --defined-only "$libdir/libtether.so" | awk '{print $3}' |
    grep -v -e '^tether_' -e '^TETHER_0$' >&2
  exit 1
fi

mkdir -p "$scratch/consumer"
cat > "$scratch/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(tether REQUIRED)
add_executable(version_probe version_probe.c)
target_link_libraries(version_probe PRIVATE tether::tether)
CMAKE
cp "$source_dir/tests/install/version_probe.c" "$scratch/consumer/"
cmake -S "$scratch/consumer" -B "$scratch/consumer/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/consumer/build" >/dev/null
"$scratch/consumer/build/version_probe"
echo "install_test: ok"
