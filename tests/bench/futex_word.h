// A 32-bit word threads sleep on with raw futex calls: FUTEX_WAIT while it
// holds a value, FUTEX_WAKE after changing it. Raw calls rather than
// std::atomic::wait, whose libstdc++ version spins and yields before it
// sleeps: a floor measured with it would not be a sleeping floor.
// Header-only; thread-safe.
#ifndef TETHER_BENCH_FUTEX_WORD_H
#define TETHER_BENCH_FUTEX_WORD_H

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace tether_bench {

struct alignas(64) FutexWord {
  std::atomic<uint32_t> value{0};

  // Wakes one thread sleeping in wait_for_change().
  void wake() {
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&value), FUTEX_WAKE_PRIVATE,
            1, nullptr, nullptr, 0);
  }
  // Returns the first value other than `old`, sleeping while it is `old`.
  uint32_t wait_for_change(uint32_t old) {
    for (;;) {
      uint32_t now = value.load(std::memory_order_acquire);
      if (now != old) return now;
      syscall(SYS_futex, reinterpret_cast<uint32_t*>(&value),
              FUTEX_WAIT_PRIVATE, old, nullptr, nullptr, 0);
    }
  }
};
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));

}  // namespace tether_bench

#endif  // TETHER_BENCH_FUTEX_WORD_H
