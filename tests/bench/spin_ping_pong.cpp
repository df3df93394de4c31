// The latency floor: the caller writes a sequence number to one cache line,
// a spinning echo thread runs the handler and copies the number to another,
// and the caller spins until it sees it back. Nothing cheaper can carry a
// call to another core and back.

#include <atomic>
#include <cstdint>
#include <thread>

#include "contenders.h"
#include "spin_wait.h"

namespace tether_bench {
namespace {

constexpr uint64_t kStop = UINT64_MAX;

class SpinPingPong final : public RoundTripContender {
 public:
  explicit SpinPingPong(const Handler& handler)
      : work_(handler.work), echo_([this] { echo_loop(); }) {}
  ~SpinPingPong() override {
    ping_.value.store(kStop, std::memory_order_release);
    echo_.join();
  }

  void round_trip() override {
    uint64_t sent = ++sequence_;
    ping_.value.store(sent, std::memory_order_release);
    spin_until(
        [&] { return pong_.value.load(std::memory_order_acquire) == sent; });
  }

 private:
  struct alignas(64) Line {
    std::atomic<uint64_t> value{0};
  };

  void echo_loop() {
    uint64_t seen = 0;
    for (;;) {
      uint64_t now;
      spin_until([&] {
        now = ping_.value.load(std::memory_order_acquire);
        return now != seen;
      });
      if (now == kStop) return;
      seen = now;
      work_();
      pong_.value.store(now, std::memory_order_release);
    }
  }

  void (*const work_)();
  Line ping_;
  Line pong_;
  uint64_t sequence_ = 0;
  std::thread echo_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_spin_ping_pong(
    const Handler& handler) {
  return std::make_unique<SpinPingPong>(handler);
}

}  // namespace tether_bench
