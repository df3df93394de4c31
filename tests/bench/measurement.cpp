#include "measurement.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cache_line_probe.h"
#include "cycle_clock.h"
#include "load_average.h"
#include "log_tally.h"

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

uint64_t ticks_for_ms(uint64_t ms) {
  return static_cast<uint64_t>(static_cast<double>(ms) * 1e6 /
                               CycleClock::ns_per_tick());
}

// One repetition: build the contender, warm it up, then time every round
// trip as the distance between consecutive clock reads (one read per
// round trip, so the per-op times add up to the elapsed time), until the
// count or the time budget is reached. Ticks are stored first and
// converted to nanoseconds after the timed loop.
void measure_round_trip_rep(const RoundTripSpec& spec, const Handler& handler,
                            uint64_t budget_ticks, LatencyResult& result) {
  auto contender = spec.make(handler);
  const uint64_t warm_up_start = CycleClock::ticks();
  for (uint64_t i = 0, n = warm_up_count(result.round_trips_per_rep); i < n;
       ++i) {
    contender->round_trip();
    if (CycleClock::ticks() - warm_up_start > budget_ticks / 10) break;
  }
  const uint64_t count = result.round_trips_per_rep;
  size_t first = result.round_trip_ns.size();
  result.round_trip_ns.resize(first + count);
  uint64_t* out = result.round_trip_ns.data() + first;
  const uint64_t start = CycleClock::ticks();
  uint64_t previous = start;
  uint64_t done = 0;
  while (done < count) {
    contender->round_trip();
    uint64_t now = CycleClock::ticks();
    out[done++] = now - previous;
    previous = now;
    if (now - start > budget_ticks) break;
  }
  for (uint64_t i = 0; i < done; ++i) out[i] = CycleClock::to_ns(out[i]);
  result.round_trip_ns.resize(first + done);
  result.round_trips_done.push_back(done);
  result.mean_ns.push_back(
      static_cast<double>(CycleClock::to_ns(previous - start)) /
      static_cast<double>(done));
}

// One repetition: build, warm up, then time run(count) as a whole.
void measure_pipeline_rep(const PipelineSpec& spec, const Handler& handler,
                          ThroughputResult& result) {
  auto contender = spec.make(handler);
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

HandlerResults prepare_pass(const Handler& handler,
                            const std::vector<const RoundTripSpec*>& latency,
                            const std::vector<const PipelineSpec*>& pipelines,
                            const Options& options) {
  HandlerResults pass;
  pass.handler = handler;
  const uint64_t pipeline_calls = handler.busy_ns == 0
                                      ? options.pipeline_calls
                                      : options.busy_pipeline_calls;
  for (const RoundTripSpec* spec : latency) {
    LatencyResult& result = pass.latency.emplace_back();
    result.name = spec->name;
    result.how = spec->how;
    result.role = spec->role;
    result.round_trips_per_rep =
        std::max<uint64_t>(options.round_trips / spec->ops_divisor, 10);
    result.round_trip_ns.reserve(result.round_trips_per_rep * options.reps);
  }
  for (const PipelineSpec* spec : pipelines) {
    ThroughputResult& result = pass.throughput.emplace_back();
    result.name = spec->name;
    result.how = spec->how;
    result.role = spec->role;
    result.calls_per_rep =
        std::max<uint64_t>(pipeline_calls / spec->ops_divisor, 10);
  }
  return pass;
}

}  // namespace

Results measure_all(const std::vector<RoundTripSpec>& round_trips,
                    const std::vector<PipelineSpec>& pipelines,
                    const Options& options) {
  const Clock::time_point started = Clock::now();
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
  if (options.run_no_op) {
    results.passes.push_back(
        prepare_pass(kNoOpHandler, latency_specs, pipeline_specs, options));
  }
  if (options.run_busy) {
    results.passes.push_back(
        prepare_pass(kBusyHandler, latency_specs, pipeline_specs, options));
  }

  // Memory first, while the heap holds little that was freed: reused pages
  // would hide what a runtime adds to the resident set.
  if (options.memory) results.memory = measure_memory(options);

  const uint64_t budget_ticks = ticks_for_ms(options.rep_budget_ms);
  for (int rep = 0; rep < options.reps; ++rep) {
    std::fprintf(stderr, "repetition %d/%d: probe", rep + 1, options.reps);
    results.probe_ns.push_back(probe_cache_line_round_trip_ns(
        options.probe_round_trips, options.probe_budget_ms * 1'000'000));
    std::fprintf(stderr, " %.0f ns;", results.probe_ns.back());
    for (HandlerResults& pass : results.passes) {
      std::fprintf(stderr, " %s:", pass.handler.id);
      size_t n = latency_specs.size();
      for (size_t k = 0; k < n; ++k) {
        size_t index = (k + rep) % n;
        std::fprintf(stderr, " L%zu", index);
        measure_round_trip_rep(*latency_specs[index], pass.handler,
                               budget_ticks, pass.latency[index]);
      }
      n = pipeline_specs.size();
      for (size_t k = 0; k < n; ++k) {
        size_t index = (k + rep) % n;
        std::fprintf(stderr, " T%zu", index);
        measure_pipeline_rep(*pipeline_specs[index], pass.handler,
                             pass.throughput[index]);
      }
    }
    std::fprintf(stderr, "\n");
  }
  results.load_after = one_minute_load_average();
  for (HandlerResults& pass : results.passes) {
    for (LatencyResult& result : pass.latency) {
      std::sort(result.round_trip_ns.begin(), result.round_trip_ns.end());
    }
  }
  results.tether_warnings = logged_warnings();
  results.tether_errors = logged_errors();
  results.elapsed_s =
      static_cast<double>(nanoseconds_between(started, Clock::now())) / 1e9;
  return results;
}

}  // namespace tether_bench
