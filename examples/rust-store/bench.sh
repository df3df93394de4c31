#!/usr/bin/env bash
# Benchmarks Go -> Rust store: tether (store-tether at 1, 2, 4 and 8 lanes)
# against the plain blocking cgo shim (store-shim), on real SQLite
# operations (a point GET of a preloaded key; a PUT in its own transaction,
# WAL journal), from 1, 64 and 1000 goroutines.
#
#   examples/rust-store/bench.sh PREFIX [SECONDS_PER_CELL]
#
# PREFIX is a tether install (lib/pkgconfig/tether.pc). Each cell runs in a
# process of its own for SECONDS_PER_CELL (default 2) and prints calls/s,
# p50/p99 latency, peak OS threads, thread-local sessions built and
# SQLITE_BUSY answers; the table, the ratios to the shim and the goals met
# or missed are printed at the end and written to
# build/rust-store-bench/report.md. Not part of CI.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 PREFIX [SECONDS_PER_CELL]" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
seconds=${2:-2}
source "$here/env.sh" "$1"

out=$repo/build/rust-store-bench
mkdir -p "$out"
start=$SECONDS
echo "bench: building (release)"
(cd "$here" && cargo build --locked --release -p store-shim -q)
(cd "$here" && cargo build --locked --release -p store-tether -q)
(cd "$repo/examples/go-rust-store" && go build -o "$out/go-rust-store" .)
shim=$CARGO_TARGET_DIR/release/libstore_shim.so
tether=$CARGO_TARGET_DIR/release/libstore_tether.so

results=$out/results.tsv
"$out/go-rust-store" bench -header >"$results"
for op in get put; do
  for goroutines in 1 64 1000; do
    cells=("-impl shim -shim $shim")
    for lanes in 1 2 4 8; do cells+=("-impl tether -tether $tether -lanes $lanes"); done
    # Writes spread over lanes by key, against the default of one writer lane.
    if [[ $op == put && $goroutines != 1 ]]; then
      cells+=("-impl tether -tether $tether -lanes 4 -keyed-writes")
    fi
    for cell in "${cells[@]}"; do
      # shellcheck disable=SC2086 # cell is a list of flags
      line=$("$out/go-rust-store" bench $cell -op "$op" -goroutines "$goroutines" -duration "${seconds}s")
      echo "$line" | tee -a "$results"
    done
  done
done
"$out/go-rust-store" bench-report "$results" | tee "$out/report.md"
echo "bench: $(($(wc -l <"$results") - 1)) cells in $((SECONDS - start)) s; results in $results"
