#!/usr/bin/env bash
# Benchmarks a Rust host's calls through tether against a direct call and
# tokio's spawn_blocking, in one run (tether/benches/call.rs).
#
#   bindings/rust/bench.sh PREFIX KVSTORE_MODULE [ITERATIONS]
#
# PREFIX and KVSTORE_MODULE as for ci.sh; ITERATIONS defaults to 20000.
# Builds with cargo's bench profile (optimized) into the same target
# directory as ci.sh. Not part of the tests.
set -euo pipefail
iterations=${3:-20000}
source "$(dirname "${BASH_SOURCE[0]}")/env.sh" "${@:1:2}"
cd "$here"
cargo bench --locked -p tether --bench call -- "$iterations"
