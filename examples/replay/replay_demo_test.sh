#!/usr/bin/env bash
# The replay demonstration, end to end:
#   1. journal_host drives the buggy journal library until it crashes: it
#      must die by a signal, after tether's crash report, leaving the
#      capture tether-capture-<pid>-<runtime>.jsonl in the work directory;
#   2. the capture's last calls on the crashing key are the planted bug's
#      sequence (OPEN, a multiple of three APPENDs, CLOSE, then the APPEND
#      in flight, READs anywhere between), and the crash report lists the
#      lane's last calls;
#   3. tether-replay on the capture against the same library crashes again,
#      in a fresh process, on the same call;
#   4. against the fixed build it replays with exit 0 and "0 differences".
# Usage: replay_demo_test.sh HOST TETHER_REPLAY LIBRARY FIXED_LIBRARY WORKDIR
#        [SANITIZER]
# SANITIZER (the build's TETHER_SANITIZE) says who ends a crashed process:
# without one, the default action (death by the signal); under ASan, its
# abort; under TSan, its exit status.
set -uo pipefail
host=$1 replay=$2 library=$3 fixed=$4 work=$5 sanitizer=${6:-}

fail() {
  echo "replay_demo: $*" >&2
  exit 1
}

# How a process that crashed on a lane ends: killed by a signal, or, after
# a sanitizer's report, by its abort or exit.
ended_by_crash() {
  [ "$1" -gt 128 ] && return 0
  [ "$sanitizer" = tsan ] && [ "$1" -gt 3 ]
}

rm -rf "$work"
mkdir -p "$work" || fail "cannot make $work"

# --- 1. the crash -----------------------------------------------------------
"$host" --library "$library" --capture-dir "$work" --lanes 3 --threads 3 \
  --seed 20261202 >"$work/host.out" 2>"$work/host.err" &
pid=$!
wait "$pid"
status=$?
echo "journal_host (pid $pid) ended with status $status"
ended_by_crash "$status" || { cat "$work/host.err" >&2; fail "the host did not crash"; }
grep -q '^tether: fatal SIGSEGV' "$work/host.err" ||
  { cat "$work/host.err" >&2; fail "no 'tether: fatal SIGSEGV' report from the host"; }

shopt -s nullglob
captures=("$work"/tether-capture-"$pid"-*.jsonl)
[ "${#captures[@]}" -eq 1 ] ||
  fail "expected one $work/tether-capture-$pid-<runtime>.jsonl, found ${#captures[@]}"
capture=${captures[0]}
echo "capture: $capture ($(wc -l <"$capture") lines)"

# --- 2. the sequence ----------------------------------------------------------
# A record's field, from one flat JSON line.
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }

header=$(head -n 1 "$capture")
[ "$(field reason <<<"$header")" = crash ] || fail "header is not a crash's: $header"
crash_lane=$(field crash_lane <<<"$header")
[ -n "$crash_lane" ] || fail "header names no crash_lane: $header"

in_flight=$(grep "^{\"lane\":$crash_lane," "$capture" | grep '"outcome":"running"' | tail -n 1)
[ -n "$in_flight" ] || fail "no running record on lane $crash_lane"
key=$(field key <<<"$in_flight")
ticket=$(field ticket <<<"$in_flight")
[ "$(field method <<<"$in_flight")" = 2 ] || fail "the call in flight is no APPEND: $in_flight"
grep -q "method 2, ticket $ticket" "$work/host.err" ||
  fail "the report does not name the call in flight (ticket $ticket)"

# The key's calls since its last OPEN: the records, and as
# "method:outcome:status" words.
awk -v lane="$crash_lane" -v key="$key" '
  function get(name,   v) {
    if (!match($0, "\"" name "\":\"?[^,\"}]*")) return ""
    v = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
    sub(/^"/, "", v)
    return v
  }
  NR > 1 && get("lane") == lane && get("key") == key {
    if (get("method") == 1 && get("outcome") == "done" && get("status") == 0) n = 0
    calls[++n] = $0
  }
  END { for (i = 1; i <= n; ++i) print calls[i] }' "$capture" >"$work/key_calls"
sequence=$(while read -r record; do
  printf ' %s:%s:%s' "$(field method <<<"$record")" "$(field outcome <<<"$record")" \
    "$(field status <<<"$record")"
done <"$work/key_calls")
echo "key $key since its last OPEN (method:outcome:status):$sequence"
echo "  (1 OPEN, 2 APPEND, 3 CLOSE, 4 READ)"
appends=$(grep -o '2:done:0' <<<"$sequence" | wc -l)
# (READs do not touch what CLOSE left behind: some may come between.)
[[ $sequence =~ ^\ 1:done:0\ .*\ 3:done:0(\ 4:done:[0-9]+)*\ 2:running:0$ ]] ||
  fail "the key's last calls are not OPEN ... CLOSE, (READs,) APPEND in flight"
[ "$appends" -gt 0 ] && [ $((appends % 3)) -eq 0 ] ||
  fail "$appends APPENDs between OPEN and CLOSE, not a multiple of three"

# The report lists the lane's last calls (16 at most, the call in flight
# last), each as "seq S: method M, key K, ..., ticket T, ...": every one of
# them, and the key's whole sequence among them (the host's sessions are
# short, and a lane's calls are one thread's).
grep "^{\"lane\":$crash_lane," "$capture" | tail -n 16 >"$work/last_calls"
while read -r record; do
  seq=$(field seq <<<"$record") method=$(field method <<<"$record")
  listed_key=$(field key <<<"$record") listed_ticket=$(field ticket <<<"$record")
  grep -F "tether:   seq $seq: method $method, key $listed_key, " "$work/host.err" |
    grep -qF "ticket $listed_ticket," ||
    fail "the crash report does not list lane $crash_lane seq $seq (ticket $listed_ticket)"
done <"$work/last_calls"
while read -r record; do
  grep -qxF "$record" "$work/last_calls" ||
    fail "the crash report leaves out the key's call seq $(field seq <<<"$record")"
done <"$work/key_calls"
echo "the crash report lists lane $crash_lane's last $(wc -l <"$work/last_calls") calls, the key's $(wc -l <"$work/key_calls") among them"

# --- 3. the same library: the crash again -------------------------------------
"$replay" --library "$library" --symbol journal_library "$capture" \
  >"$work/replay-buggy.out" 2>"$work/replay-buggy.err"
status=$?
echo "tether-replay against the buggy library ended with status $status"
ended_by_crash "$status" ||
  { cat "$work/replay-buggy.out" "$work/replay-buggy.err" >&2; fail "the replay did not crash"; }
grep -q '^tether: fatal SIGSEGV' "$work/replay-buggy.err" ||
  fail "no 'tether: fatal SIGSEGV' report from the replay"
# The same call: method, key, length and payload digest of the call in
# flight, as each crash report lists it.
# (The first report: under a sanitizer its own abort adds a second one.)
in_flight_call() {
  sed -n 's/^tether:   seq [0-9]*: \(.*\), ticket .*RUNNING.*/\1/p' "$1" | head -n 1
}
recorded_call=$(in_flight_call "$work/host.err")
replayed_call=$(in_flight_call "$work/replay-buggy.err")
echo "crashed on: $recorded_call; replay crashed on: $replayed_call"
[ -n "$recorded_call" ] && [ "$recorded_call" = "$replayed_call" ] ||
  fail "the replay crashed on another call"

# --- 4. the fixed library: no difference --------------------------------------
"$replay" --library "$fixed" --symbol journal_library "$capture" \
  >"$work/replay-fixed.out" 2>"$work/replay-fixed.err"
status=$?
cat "$work/replay-fixed.out"
[ "$status" -eq 0 ] || { cat "$work/replay-fixed.err" >&2; fail "replay against the fixed library exited $status"; }
grep -q '): 0 differences$' "$work/replay-fixed.out" || fail "no '0 differences' summary"
echo "replay_demo: ok"
