// Runs every contender for the requested repetitions, interleaved: each
// repetition visits every contender once, in an order rotated by one per
// repetition, so drift on a shared machine hits every contender alike.
#ifndef TETHER_BENCH_MEASUREMENT_H
#define TETHER_BENCH_MEASUREMENT_H

#include <cstdint>
#include <string>
#include <vector>

#include "contender.h"
#include "options.h"

namespace tether_bench {

struct LatencyResult {
  std::string name;
  std::string how;
  Role role = Role::kPeer;
  uint64_t round_trips_per_rep = 0;
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

struct Results {
  std::vector<LatencyResult> latency;
  std::vector<ThroughputResult> throughput;
  // The per-operation clock, and what one read of it costs here; every
  // round-trip sample includes one read.
  const char* clock_source = "";
  double clock_read_ns = 0;
  unsigned hardware_threads = 0;
  // One-minute load average before and after the measurements (negative:
  // unknown).
  double load_before = -1;
  double load_after = -1;
};

// Measures the contenders that pass options.filter. Progress goes to
// stderr. Throws std::runtime_error when a contender fails.
Results measure_all(const std::vector<RoundTripSpec>& round_trips,
                    const std::vector<PipelineSpec>& pipelines,
                    const Options& options);

}  // namespace tether_bench

#endif  // TETHER_BENCH_MEASUREMENT_H
