#include "measurement.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cycle_clock.h"
#include "load_average.h"

namespace tether_bench {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t nanoseconds_between(Clock::time_point from, Clock::time_point to) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

double measure_clock_read_ns() {
  constexpr int kReads = 200'000;
  volatile uint64_t last = 0;
  const uint64_t start = CycleClock::ticks();
  for (int i = 0; i < kReads; ++i) last = CycleClock::ticks();
  return static_cast<double>(CycleClock::to_ns(last - start)) / kReads;
}

uint64_t warm_up_count(uint64_t timed) {
  return std::max<uint64_t>(timed / 10, 10);
}

// One repetition: build the contender, warm it up, then time every round
// trip as the distance between consecutive clock reads (one read per
// round trip, so the per-op times add up to the elapsed time). Ticks are
// stored first and converted to nanoseconds after the timed loop.
void measure_round_trip_rep(const RoundTripSpec& spec, LatencyResult& result) {
  auto contender = spec.make();
  for (uint64_t i = 0, n = warm_up_count(result.round_trips_per_rep); i < n;
       ++i) {
    contender->round_trip();
  }
  const uint64_t count = result.round_trips_per_rep;
  size_t first = result.round_trip_ns.size();
  result.round_trip_ns.resize(first + count);
  uint64_t* out = result.round_trip_ns.data() + first;
  const uint64_t start = CycleClock::ticks();
  uint64_t previous = start;
  for (uint64_t i = 0; i < count; ++i) {
    contender->round_trip();
    uint64_t now = CycleClock::ticks();
    out[i] = now - previous;
    previous = now;
  }
  for (uint64_t i = 0; i < count; ++i) out[i] = CycleClock::to_ns(out[i]);
  result.mean_ns.push_back(
      static_cast<double>(CycleClock::to_ns(previous - start)) /
      static_cast<double>(count));
}

// One repetition: build, warm up, then time run(count) as a whole.
void measure_pipeline_rep(const PipelineSpec& spec, ThroughputResult& result) {
  auto contender = spec.make();
  contender->run(warm_up_count(result.calls_per_rep));
  Clock::time_point start = Clock::now();
  contender->run(result.calls_per_rep);
  double seconds =
      static_cast<double>(nanoseconds_between(start, Clock::now())) / 1e9;
  result.calls_per_s.push_back(static_cast<double>(result.calls_per_rep) /
                               seconds);
}

template <class Spec>
std::vector<const Spec*> selected(const std::vector<Spec>& specs,
                                  const std::string& filter) {
  std::vector<const Spec*> out;
  for (const Spec& spec : specs) {
    if (filter.empty() || spec.name.find(filter) != std::string::npos) {
      out.push_back(&spec);
    }
  }
  return out;
}

}  // namespace

Results measure_all(const std::vector<RoundTripSpec>& round_trips,
                    const std::vector<PipelineSpec>& pipelines,
                    const Options& options) {
  Results results;
  results.load_before = one_minute_load_average();
  CycleClock::calibrate();
  results.clock_source = CycleClock::source();
  results.clock_read_ns = measure_clock_read_ns();
  results.hardware_threads = std::thread::hardware_concurrency();

  std::vector<const RoundTripSpec*> latency_specs =
      selected(round_trips, options.filter);
  std::vector<const PipelineSpec*> pipeline_specs =
      selected(pipelines, options.filter);
  for (const RoundTripSpec* spec : latency_specs) {
    LatencyResult& result = results.latency.emplace_back();
    result.name = spec->name;
    result.how = spec->how;
    result.role = spec->role;
    result.round_trips_per_rep =
        std::max<uint64_t>(options.round_trips / spec->ops_divisor, 10);
    result.round_trip_ns.reserve(result.round_trips_per_rep * options.reps);
  }
  for (const PipelineSpec* spec : pipeline_specs) {
    ThroughputResult& result = results.throughput.emplace_back();
    result.name = spec->name;
    result.how = spec->how;
    result.role = spec->role;
    result.calls_per_rep =
        std::max<uint64_t>(options.pipeline_calls / spec->ops_divisor, 10);
  }

  for (int rep = 0; rep < options.reps; ++rep) {
    std::fprintf(stderr, "repetition %d/%d:", rep + 1, options.reps);
    size_t n = latency_specs.size();
    for (size_t k = 0; k < n; ++k) {
      size_t index = (k + rep) % n;
      std::fprintf(stderr, " L%zu", index);
      measure_round_trip_rep(*latency_specs[index], results.latency[index]);
    }
    n = pipeline_specs.size();
    for (size_t k = 0; k < n; ++k) {
      size_t index = (k + rep) % n;
      std::fprintf(stderr, " T%zu", index);
      measure_pipeline_rep(*pipeline_specs[index], results.throughput[index]);
    }
    std::fprintf(stderr, "\n");
  }
  results.load_after = one_minute_load_average();
  for (LatencyResult& result : results.latency) {
    std::sort(result.round_trip_ns.begin(), result.round_trip_ns.end());
  }
  return results;
}

}  // namespace tether_bench
