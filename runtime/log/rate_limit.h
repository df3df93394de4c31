// A log line's rate limit: at most one line per period; the first line
// after a held-back stretch says how many were held back. For lines a busy
// host may trigger on every call (a refused submit), since the host's log
// sink runs on the thread that logs.
//
// Thread safety: thread-safe; a held-back line costs one relaxed load and
// one relaxed add.
#ifndef TETHER_RUNTIME_LOG_RATE_LIMIT_H_
#define TETHER_RUNTIME_LOG_RATE_LIMIT_H_

#include <atomic>
#include <cstdint>

#include "base/clock.h"
#include "log/log.h"

namespace tether::log {

class RateLimit {
 public:
  explicit constexpr RateLimit(uint64_t period_ns = 1'000'000'000)
      : period_ns_(period_ns) {}
  RateLimit(const RateLimit&) = delete;
  RateLimit& operator=(const RateLimit&) = delete;

  // True when a line may be written at `now_ns`; *suppressed is then how
  // many were held back since the last one written.
  bool admit(uint64_t now_ns, uint64_t* suppressed) {
    uint64_t next = next_ns_.load(std::memory_order_relaxed);
    if (now_ns < next ||
        !next_ns_.compare_exchange_strong(next, now_ns + period_ns_,
                                          std::memory_order_relaxed)) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    *suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
    return true;
  }

 private:
  const uint64_t period_ns_;
  std::atomic<uint64_t> next_ns_{0};
  std::atomic<uint64_t> suppressed_{0};
};

}  // namespace tether::log

// As TETHER_LOG, at most once per `limit`'s period; the line written after
// held-back ones ends with how many there were.
#define TETHER_LOG_LIMITED(limit, level, ...)                                  \
  do {                                                                         \
    uint64_t tether_suppressed_ = 0;                                           \
    if (::tether::log::enabled(level) &&                                       \
        (limit).admit(::tether::now_ns(), &tether_suppressed_)) {              \
      ::tether::log::write_suppressed(level, tether_suppressed_, __VA_ARGS__); \
    }                                                                          \
  } while (0)

#endif  // TETHER_RUNTIME_LOG_RATE_LIMIT_H_
