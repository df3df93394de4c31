// How a completion reaches the waiting caller in every contender: a flag the
// caller spins on (round trips) or a counter it spins on (pipelines), each on
// its own cache line. A failure count rides along so the caller can stop
// with an error instead of timing broken calls.
// Thread-safe: written by the completing thread, read by the caller.
#ifndef TETHER_BENCH_COMPLETION_SIGNALS_H
#define TETHER_BENCH_COMPLETION_SIGNALS_H

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "spin_wait.h"

namespace tether_bench {

struct alignas(64) DoneFlag {
  std::atomic<bool> done{false};
  std::atomic<uint64_t> failed{0};

  void set() { done.store(true, std::memory_order_release); }
  // Waits for set(), then re-arms the flag.
  void wait_and_reset() {
    spin_until([this] { return done.load(std::memory_order_acquire); });
    done.store(false, std::memory_order_relaxed);
  }
};

struct alignas(64) DoneCounter {
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> failed{0};

  void add_one() { completed.fetch_add(1, std::memory_order_release); }
  // Waits until `target` completions were counted since the last reset.
  void wait_for(uint64_t target) {
    spin_until([this, target] {
      return completed.load(std::memory_order_acquire) >= target;
    });
  }
  void reset() { completed.store(0, std::memory_order_relaxed); }
};

// Throws when any completion reported failure.
inline void throw_if_failed(const std::atomic<uint64_t>& failed,
                            const char* what) {
  uint64_t count = failed.load(std::memory_order_acquire);
  if (count != 0) {
    throw std::runtime_error(std::string(what) + ": " + std::to_string(count) +
                             " calls did not complete with TETHER_OK");
  }
}

}  // namespace tether_bench

#endif  // TETHER_BENCH_COMPLETION_SIGNALS_H
