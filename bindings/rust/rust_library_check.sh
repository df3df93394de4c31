#!/usr/bin/env bash
# Runs the C++ suite's Rust library test (RustLibraryTest.*, in
# tests/api/rust_library_test.cpp) from a sanitizer build against the Rust
# test library, with the sanitizer options the CMake test presets use.
#
#   rust_library_check.sh API_TESTS_BINARY TESTLIB.so
#
# API_TESTS_BINARY is a build's tether_api_tests (build/asan/tests/api/
# tether_api_tests); TESTLIB.so is tether-testlib's cdylib. Fails if the
# test fails or did not run.
#
# RUST_BACKTRACE is unset for the run: with it, Rust's panic hook keeps the
# library's parsed debug info in a static of the library, which tether
# unloads when the runtime is destroyed; LeakSanitizer then reports those
# megabytes as leaked.
set -euo pipefail

if [[ $# -ne 2 || ! -x "$1" || ! -f "$2" ]]; then
  echo "usage: $0 API_TESTS_BINARY TESTLIB.so (both existing)" >&2
  exit 2
fi
echo "rust_library_check.sh: $1 --gtest_filter='RustLibraryTest.*' against $2"
output=$(env -u RUST_BACKTRACE TETHER_RUST_TESTLIB="$2" \
  ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=1}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}" \
  "$1" --gtest_filter='RustLibraryTest.*' 2>&1) || {
  echo "$output"
  echo "rust_library_check.sh: failed" >&2
  exit 1
}
echo "$output" | grep -E '^\[  (PASSED|SKIPPED|FAILED) ' || true
if ! echo "$output" | grep -q '^\[  PASSED  \] 1 test' ||
  echo "$output" | grep -q '^\[  SKIPPED \]'; then
  echo "$output"
  echo "rust_library_check.sh: RustLibraryTest did not run and pass" >&2
  exit 1
fi
