// The floor for a lane that is parked when the call arrives, with a caller
// that sleeps too: the caller stores a sequence number and wakes the echo
// thread with FUTEX_WAKE, then sleeps in FUTEX_WAIT on the reply word; the
// echo thread, asleep in FUTEX_WAIT, wakes, runs the handler, stores the
// number in the reply word and wakes the caller. Two wake-ups per round
// trip, nothing spins.

#include <atomic>
#include <cstdint>
#include <thread>

#include "contenders.h"
#include "futex_word.h"

namespace tether_bench {
namespace {

constexpr uint32_t kStop = UINT32_MAX;

class FutexWake final : public RoundTripContender {
 public:
  explicit FutexWake(const Handler& handler)
      : work_(handler.work), echo_([this] { echo_loop(); }) {}
  ~FutexWake() override {
    ping_.value.store(kStop, std::memory_order_release);
    ping_.wake();
    echo_.join();
  }

  void round_trip() override {
    const uint32_t previous = sequence_;
    sequence_ = sequence_ + 1 == kStop ? 1 : sequence_ + 1;
    ping_.value.store(sequence_, std::memory_order_release);
    ping_.wake();
    pong_.wait_for_change(previous);
  }

 private:
  void echo_loop() {
    uint32_t seen = 0;
    for (;;) {
      uint32_t now = ping_.wait_for_change(seen);
      if (now == kStop) return;
      seen = now;
      work_();
      pong_.value.store(now, std::memory_order_release);
      pong_.wake();
    }
  }

  void (*const work_)();
  FutexWord ping_;
  FutexWord pong_;
  uint32_t sequence_ = 0;
  std::thread echo_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_futex_wake_round_trip(
    const Handler& handler) {
  return std::make_unique<FutexWake>(handler);
}

}  // namespace tether_bench
