// A lane that is asleep when each call arrives, and a caller that sleeps
// too, as the futex floor's two sides do: the runtime's lanes park as soon
// as they are idle (spin_ns 0); the caller submits, then sleeps in
// FUTEX_WAIT on a word that the callback on the lane sets and wakes. By the
// time the caller is awake again the lane has parked, so every call pays
// the lane's wake-up through its reactor and the caller's through the
// futex.

#include <atomic>
#include <cstdint>

#include "contenders.h"
#include "futex_word.h"
#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

struct SleepingCaller {
  FutexWord done;
  std::atomic<uint64_t> failed{0};
};

void wake_caller_on_completion(tether_completion* completion) {
  auto* caller = reinterpret_cast<SleepingCaller*>(completion->user_data);
  if (!release_completion(*completion)) {
    caller->failed.fetch_add(1, std::memory_order_relaxed);
  }
  caller->done.value.store(1, std::memory_order_release);
  caller->done.wake();
}

class TetherParkedLaneRoundTrip final : public RoundTripContender {
 public:
  explicit TetherParkedLaneRoundTrip(const Handler& handler)
      : call_(handler_call(handler)),
        runtime_(RuntimeChoice().with_spin_ns(0)) {}

  void round_trip() override {
    caller_.done.value.store(0, std::memory_order_relaxed);
    check_status(
        tether_submit(runtime_.get(), &call_, &wake_caller_on_completion,
                      to_user_data(&caller_), nullptr),
        "tether_submit");
    caller_.done.wait_for_change(0);
    throw_if_failed(caller_.failed, "tether_submit");
  }

 private:
  SleepingCaller caller_;
  const tether_call call_;
  BenchRuntime runtime_;  // last: shut down before caller_ goes
};

}  // namespace

std::unique_ptr<RoundTripContender> make_tether_parked_lane_round_trip(
    const Handler& handler) {
  return std::make_unique<TetherParkedLaneRoundTrip>(handler);
}

}  // namespace tether_bench
