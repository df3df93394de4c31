// The cost of each buffer mode: one tether_buf_alloc + tether_buf_free
// through the public C API, for 64 B and 4 KiB, in release and debug mode.
// Each case repeats; the table at the end gives the median CPU time per pair
// and the debug/release ratio. In debug mode the steady state includes the
// quarantine's work: every free pushes out the oldest block and checks it.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tether/buffer.h"

namespace {

constexpr int kRepetitions = 7;
const std::vector<std::size_t> kSizes = {64, 4096};

std::string case_name(const char* mode, std::size_t size) {
  return std::string("alloc_free/") + mode + "/" + std::to_string(size);
}

void alloc_free(benchmark::State& state, int32_t mode, std::size_t size) {
  tether_buf_set_mode(mode);
  for (auto _ : state) {
    void* data = tether_buf_alloc(size);
    benchmark::DoNotOptimize(data);
    tether_buf_free(data);
  }
  tether_buf_set_mode(TETHER_BUF_MODE_RELEASE);
}

// Keeps the console output and remembers each case's median time.
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        medians_[run.run_name.function_name] = run.GetAdjustedCPUTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  // CPU nanoseconds per iteration (steadier than wall time on a busy
  // machine), or a negative value when the case did not run.
  double median(const std::string& name) const {
    auto found = medians_.find(name);
    return found == medians_.end() ? -1 : found->second;
  }

 private:
  std::map<std::string, double> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  for (std::size_t size : kSizes) {
    for (auto [mode, mode_text] :
         {std::pair{TETHER_BUF_MODE_RELEASE, "release"},
          std::pair{TETHER_BUF_MODE_DEBUG, "debug"}}) {
      benchmark::RegisterBenchmark(case_name(mode_text, size).c_str(),
                                   alloc_free, mode, size)
          ->Repetitions(kRepetitions)
          ->ReportAggregatesOnly(true)
          ->Unit(benchmark::kNanosecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\nmedian CPU time per alloc + free\n%-8s %14s %14s %8s\n",
              "size", "release ns", "debug ns", "ratio");
  for (std::size_t size : kSizes) {
    double release = reporter.median(case_name("release", size));
    double debug = reporter.median(case_name("debug", size));
    if (release <= 0 || debug <= 0) continue;
    std::printf("%-8zu %14.1f %14.1f %7.1fx\n", size, release, debug,
                debug / release);
  }
  return 0;
}
