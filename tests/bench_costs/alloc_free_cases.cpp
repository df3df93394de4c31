// One alloc + free through the public C API. In debug mode the steady state
// includes the quarantine's work: every free pushes out the oldest block and
// checks its fill.
#include <benchmark/benchmark.h>

#include <utility>

#include "cases.h"
#include "tether/buffer.h"

namespace tether_bench_costs {
namespace {

void alloc_free(benchmark::State& state, int32_t mode, std::size_t size) {
  tether_buf_set_mode(mode);
  for (auto _ : state) {
    void* data = tether_buf_alloc(size);
    benchmark::DoNotOptimize(data);
    tether_buf_free(data);
  }
  tether_buf_set_mode(TETHER_BUF_MODE_RELEASE);
}

}  // namespace

std::string alloc_free_case(const char* mode, std::size_t size) {
  return std::string("alloc_free/") + mode + "/" + std::to_string(size);
}

void register_alloc_free_cases() {
  for (std::size_t size : kSizes) {
    for (auto [mode, mode_text] :
         {std::pair{TETHER_BUF_MODE_RELEASE, "release"},
          std::pair{TETHER_BUF_MODE_DEBUG, "debug"}}) {
      benchmark::RegisterBenchmark(alloc_free_case(mode_text, size).c_str(),
                                   alloc_free, mode, size)
          ->Repetitions(kRepetitions)
          ->ReportAggregatesOnly(true)
          ->Unit(benchmark::kNanosecond);
    }
  }
}

}  // namespace tether_bench_costs
