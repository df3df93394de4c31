// The stats work of one call, on the runtime's own code: the submit-time
// clock read, the completion-time clock read, the outcome counter and the
// latency histogram record. (The clock reads also give the host its
// completion's latency_ns, so they are not all the stats' doing: this is
// the upper bound of what stats cost.)
#include <benchmark/benchmark.h>

#include <memory>

#include "base/clock.h"
#include "cases.h"
#include "core/counters.h"

namespace tether_bench_costs {
namespace {

void stats_per_call(benchmark::State& state) {
  auto counters = std::make_unique<tether::CompletionCounters>();
  for (auto _ : state) {
    uint64_t submitted_ns = tether::now_ns();
    benchmark::DoNotOptimize(submitted_ns);
    uint64_t latency_ns = tether::now_ns() - submitted_ns;
    counters->count(TETHER_OK);
    counters->latency.record(latency_ns);
  }
  benchmark::DoNotOptimize(counters->ok.load());
}

}  // namespace

std::string stats_case() { return "stats/per_call"; }

void register_stats_cases() {
  benchmark::RegisterBenchmark(stats_case().c_str(), stats_per_call)
      ->Repetitions(kRepetitions)
      ->ReportAggregatesOnly(true)
      ->Unit(benchmark::kNanosecond);
}

}  // namespace tether_bench_costs
