#include "cache_line_probe.h"

#include <algorithm>
#include <vector>

#include "contenders.h"
#include "cycle_clock.h"
#include "handler.h"

namespace tether_bench {

double probe_cache_line_round_trip_ns(uint64_t round_trips,
                                      uint64_t budget_ns) {
  constexpr int kWarmUp = 100;
  auto ping_pong = make_spin_ping_pong(kNoOpHandler);
  for (int i = 0; i < kWarmUp; ++i) ping_pong->round_trip();
  std::vector<uint64_t> ticks;
  ticks.reserve(round_trips);
  const auto budget_ticks = static_cast<uint64_t>(
      static_cast<double>(budget_ns) / CycleClock::ns_per_tick());
  const uint64_t start = CycleClock::ticks();
  uint64_t previous = start;
  for (uint64_t i = 0; i < round_trips && previous - start < budget_ticks;
       ++i) {
    ping_pong->round_trip();
    uint64_t now = CycleClock::ticks();
    ticks.push_back(now - previous);
    previous = now;
  }
  std::nth_element(ticks.begin(), ticks.begin() + ticks.size() / 2,
                   ticks.end());
  return static_cast<double>(ticks[ticks.size() / 2]) *
         CycleClock::ns_per_tick();
}

}  // namespace tether_bench
