#!/usr/bin/env bash
# Runs a libFuzzer harness over the committed seeds and a working corpus
# for SECONDS, then prints how many inputs it executed.
#
#   run_fuzzer.sh FUZZER SEED_DIR WORK_DIR SECONDS [libFuzzer flags...]
#
# New inputs go to WORK_DIR (the seeds are only read). LeakSanitizer runs
# once, at exit, not after every input (-detect_leaks=0): tether keeps
# memory across inputs (the debug quarantine), which would make libFuzzer
# run a leak check after nearly every input and cost two thirds of the
# time; tether's own buffer and handle counts are checked per input.
# -entropic=0: the entropic schedule's bookkeeping over the API fuzzer's
# many features took a third of the CPU (a 30 s run went from 484 to 703
# inputs/s without it, reaching the same coverage). A crash, leak,
# timeout or broken invariant leaves the input as crash-*/timeout-*/leak-*
# in WORK_DIR/.. and fails the run.
set -euo pipefail
if [[ $# -lt 4 ]]; then
  echo "usage: $0 FUZZER SEED_DIR WORK_DIR SECONDS [flags...]" >&2
  exit 2
fi
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work"
artifacts=$(dirname "$work")/
# FUZZ_LOG=PATH keeps the fuzzer's whole output there (a long run's
# progress lines); otherwise it goes to a temporary file.
if [[ -n ${FUZZ_LOG:-} ]]; then
  log=$FUZZ_LOG
else
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
fi
status=0
"$fuzzer" "$work" "$seeds" -max_total_time="$seconds" -timeout=20 \
  -rss_limit_mb=4096 -detect_leaks=0 -entropic=0 -print_final_stats=1 -artifact_prefix="$artifacts" "$@" \
  >"$log" 2>&1 || status=$?
grep -E "^(stat::|#[0-9]+.*(DONE|INITED))" "$log" || tail -n 3 "$log"
if [[ $status -ne 0 ]]; then
  tail -n 80 "$log"
  echo "run_fuzzer.sh: $(basename "$fuzzer") failed (exit $status)" >&2
  exit "$status"
fi
