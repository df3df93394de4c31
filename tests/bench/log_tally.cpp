#include "log_tally.h"

#include <atomic>
#include <cstdio>

#include "tether/tether.h"

namespace tether_bench {
namespace {

constexpr uint64_t kWarningsPrinted = 3;

std::atomic<uint64_t> warnings{0};
std::atomic<uint64_t> errors{0};

void tally(uint64_t /*user_data*/, int32_t level, const char* message) {
  if (level >= TETHER_LOG_ERROR) {
    errors.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "\ntether: error: %s\n", message);
    return;
  }
  uint64_t seen = warnings.fetch_add(1, std::memory_order_relaxed);
  if (seen < kWarningsPrinted) {
    std::fprintf(stderr, "\ntether: warn: %s%s\n", message,
                 seen + 1 == kWarningsPrinted
                     ? " (further warnings are counted, not printed)"
                     : "");
  }
}

}  // namespace

void install_log_tally() { tether_log_set_sink(&tally, 0, TETHER_LOG_WARN); }

uint64_t logged_warnings() { return warnings.load(std::memory_order_relaxed); }
uint64_t logged_errors() { return errors.load(std::memory_order_relaxed); }

}  // namespace tether_bench
