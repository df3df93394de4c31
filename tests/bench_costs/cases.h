// The benchmark cases of tether_bench_costs, registered with Google
// Benchmark, and the name each case's median is found under.
#ifndef TETHER_BENCH_COSTS_CASES_H
#define TETHER_BENCH_COSTS_CASES_H

#include <cstddef>
#include <string>
#include <vector>

namespace tether_bench_costs {

inline constexpr int kRepetitions = 7;
// Payload sizes for buffers and echoed calls.
inline const std::vector<std::size_t> kSizes = {64, 4096};

// "alloc_free/<mode>/<size>": one tether_buf_alloc + tether_buf_free.
void register_alloc_free_cases();
std::string alloc_free_case(const char* mode, std::size_t size);

// "echo_call/<mode>/<size>": one call echoing `size` bytes through a
// runtime, round trip: the payload copied in, the reply allocated on the
// lane, the result freed by the caller (two allocs, two frees).
void register_echo_call_cases();
std::string echo_call_case(const char* mode, std::size_t size);

// "stats/per_call": the stats work a call does, on the runtime's own code
// (two clock reads, an outcome counter, a latency histogram record).
void register_stats_cases();
std::string stats_case();

}  // namespace tether_bench_costs

#endif  // TETHER_BENCH_COSTS_CASES_H
