#include "memory_measurement.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "bench_library.h"
#include "completion_signals.h"
#include "contenders.h"
#include "process_memory.h"
#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

struct Footprint {
  int64_t rss = 0;
  int64_t heap = 0;

  static Footprint now() { return {resident_bytes(), heap_bytes_in_use()}; }
  Footprint operator-(const Footprint& other) const {
    return {rss - other.rss, heap - other.heap};
  }
};

// What opening a runtime with `credits` adds to the process.
Footprint footprint_of_open(uint32_t credits) {
  Footprint before = Footprint::now();
  BenchRuntime runtime(RuntimeChoice().with_max_calls_in_flight(credits));
  return Footprint::now() - before;
}

void measure_reserved(const Options& options, MemoryResults& out) {
  out.credits_small = options.memory_credits_small;
  out.credits_large = options.memory_credits_large;
  Footprint small = footprint_of_open(out.credits_small);
  Footprint large = footprint_of_open(out.credits_large);
  const double credits = out.credits_large - out.credits_small;
  out.reserved_rss_bytes_per_credit =
      static_cast<double>(large.rss - small.rss) / credits;
  out.reserved_heap_bytes_per_credit =
      static_cast<double>(large.heap - small.heap) / credits;
}

void wait_until_lane_handled(tether_runtime* runtime, uint64_t handled) {
  tether_lane_stats stats;
  tether_lane_stats_init(&stats);
  for (;;) {
    check_status(tether_runtime_lane_stats(runtime, 0, &stats),
                 "tether_runtime_lane_stats");
    if (stats.handled >= handled) return;
    std::this_thread::yield();
  }
}

void measure_in_flight(const Options& options, MemoryResults& out) {
  const uint64_t calls = options.in_flight_calls;
  DoneCounter counter;  // first: outlives the runtime's last callback
  BenchRuntime runtime(
      RuntimeChoice().with_max_calls_in_flight(static_cast<uint32_t>(calls)));
  const uint64_t user_data = to_user_data(&counter);
  {
    ClosedGate gate;
    const Footprint before = Footprint::now();
    tether_call call = handler_call(kNoOpHandler);
    call.method = kMethodGate;
    check_status(tether_submit(runtime.get(), &call, &count_on_completion,
                               user_data, nullptr),
                 "tether_submit");
    wait_until_lane_handled(runtime.get(), 1);
    call.method = kMethodNoOp;
    for (uint64_t i = 1; i < calls; ++i) {
      check_status(tether_submit(runtime.get(), &call, &count_on_completion,
                                 user_data, nullptr),
                   "tether_submit");
    }
    const Footprint grown = Footprint::now() - before;
    tether_stats stats;
    tether_stats_init(&stats);
    check_status(tether_runtime_stats(runtime.get(), &stats),
                 "tether_runtime_stats");
    out.in_flight_calls = calls;
    out.in_flight_reported = stats.in_flight;
    out.grown_rss_bytes_per_call =
        static_cast<double>(grown.rss) / static_cast<double>(calls);
    out.grown_heap_bytes_per_call =
        static_cast<double>(grown.heap) / static_cast<double>(calls);
  }
  counter.wait_for(calls);
  throw_if_failed(counter.failed, "tether_submit");
}

void measure_soak(const Options& options, MemoryResults& out) {
  constexpr uint64_t kChunk = 100'000;
  constexpr size_t kBatch = 32;
  std::vector<std::unique_ptr<PipelineContender>> ways;
  ways.push_back(make_tether_callback_pipeline(kNoOpHandler, RuntimeChoice()));
  ways.push_back(make_tether_callback_pipeline(
      kNoOpHandler, RuntimeChoice().with_deliver(TETHER_DELIVER_ON_THREAD)));
  ways.push_back(make_tether_batch_cq_pipeline(kNoOpHandler, kBatch));
  const uint64_t warm_up = std::min<uint64_t>(options.soak_calls / 10, kChunk);
  for (auto& way : ways) {
    way->fill_queues();
    way->run(warm_up);
  }

  const Footprint before = Footprint::now();
  out.rss_after_warm_up = before.rss;
  out.heap_after_warm_up = before.heap;
  out.soak_calls_asked = options.soak_calls;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const auto limit = std::chrono::seconds(options.soak_max_seconds);
  uint64_t done = 0;
  bool halfway = false;
  for (size_t turn = 0; done < options.soak_calls; ++turn) {
    if (!halfway && done >= options.soak_calls / 2) {
      const Footprint middle = Footprint::now();
      out.rss_at_half_soak = middle.rss;
      out.heap_at_half_soak = middle.heap;
      halfway = true;
    }
    if (Clock::now() - start > limit) {
      std::fprintf(stderr, " (soak stopped at its %d s limit)",
                   options.soak_max_seconds);
      break;
    }
    const uint64_t chunk = std::min(kChunk, options.soak_calls - done);
    ways[turn % ways.size()]->run(chunk);
    done += chunk;
  }
  out.soak_seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  out.soak_calls_done = done;
  const Footprint after = Footprint::now();
  out.rss_after_soak = after.rss;
  out.heap_after_soak = after.heap;
  if (!halfway) {
    out.rss_at_half_soak = after.rss;
    out.heap_at_half_soak = after.heap;
  }
}

}  // namespace

MemoryResults measure_memory(const Options& options) {
  MemoryResults out;
  out.heap_known = heap_bytes_in_use() >= 0;
  std::fprintf(stderr, "memory: reserved per credit,");
  measure_reserved(options, out);
  std::fprintf(stderr, " in flight,");
  measure_in_flight(options, out);
  std::fprintf(stderr, " soak of %llu calls",
               static_cast<unsigned long long>(options.soak_calls));
  measure_soak(options, out);
  std::fprintf(stderr, "\n");
  out.measured = true;
  return out;
}

}  // namespace tether_bench
