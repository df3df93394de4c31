// Measures memory first, then runs every contender for the requested
// repetitions, interleaved: each repetition starts with the cache-line
// probe, then visits every contender once per handler, in an order rotated
// by one per repetition, so drift on a shared machine hits every contender
// alike.
#ifndef TETHER_BENCH_MEASUREMENT_H
#define TETHER_BENCH_MEASUREMENT_H

#include <cstdint>
#include <string>
#include <vector>

#include "contender.h"
#include "handler.h"
#include "memory_measurement.h"
#include "options.h"

namespace tether_bench {

struct LatencyResult {
  std::string name;
  std::string how;
  Role role = Role::kPeer;
  // Asked for; a repetition that reached its time budget did fewer.
  uint64_t round_trips_per_rep = 0;
  std::vector<uint64_t> round_trips_done;
  // Mean round trip of each repetition, in nanoseconds.
  std::vector<double> mean_ns;
  // Every timed round trip of every repetition, sorted ascending.
  std::vector<uint64_t> round_trip_ns;
};

struct ThroughputResult {
  std::string name;
  std::string how;
  Role role = Role::kPeer;
  uint64_t calls_per_rep = 0;
  // Calls per second of each repetition.
  std::vector<double> calls_per_s;
};

// The tables of one handler.
struct HandlerResults {
  Handler handler = kNoOpHandler;
  std::vector<LatencyResult> latency;
  std::vector<ThroughputResult> throughput;
};

struct Results {
  std::vector<HandlerResults> passes;
  // The cache-line probe before each repetition: median spin ping-pong
  // round trip, in nanoseconds.
  std::vector<double> probe_ns;
  MemoryResults memory;
  // The per-operation clock, and what one read of it costs here; every
  // round-trip sample includes one read.
  const char* clock_source = "";
  double clock_read_ns = 0;
  unsigned hardware_threads = 0;
  // One-minute load average before and after the measurements (negative:
  // unknown).
  double load_before = -1;
  double load_after = -1;
  double elapsed_s = 0;
  // tether's log lines at WARN and at ERROR during the run.
  uint64_t tether_warnings = 0;
  uint64_t tether_errors = 0;
};

// Measures the contenders that pass options.filter. Progress goes to
// stderr. Throws std::runtime_error when a contender fails.
Results measure_all(const std::vector<RoundTripSpec>& round_trips,
                    const std::vector<PipelineSpec>& pipelines,
                    const Options& options);

}  // namespace tether_bench

#endif  // TETHER_BENCH_MEASUREMENT_H
