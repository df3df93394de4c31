#include "watch/growth_watch.h"

#include "log/log.h"

namespace tether {
namespace {

uint64_t round_up_to_power_of_two(uint64_t value) {
  if (value <= 1) return 1;
  if (value > (uint64_t{1} << 63)) return UINT64_MAX;
  return uint64_t{1} << (64 - __builtin_clzll(value - 1));
}

uint64_t highest_power_of_two_at_most(uint64_t value) {
  return uint64_t{1} << (63 - __builtin_clzll(value));
}

uint64_t effective_threshold(uint64_t threshold) {
  if (threshold == UINT64_MAX) return UINT64_MAX;
  return round_up_to_power_of_two(
      threshold == 0 ? GrowthWatch::kDefaultThreshold : threshold);
}

}  // namespace

GrowthWatch::GrowthWatch(std::string what, uint64_t threshold, WhereFn where)
    : what_(std::move(what)),
      where_(std::move(where)),
      next_(effective_threshold(threshold)),
      threshold_(effective_threshold(threshold)) {}

void GrowthWatch::set_threshold(uint64_t threshold) {
  std::lock_guard<std::mutex> lock(mutex_);
  threshold_ = effective_threshold(threshold);
  last_logged_ = 0;
  next_.store(threshold_, std::memory_order_relaxed);
  rearm_below_.store(0, std::memory_order_relaxed);
}

uint64_t GrowthWatch::last_logged() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_logged_;
}

void GrowthWatch::slow_path(uint64_t value) {
  uint64_t boundary = 0;
  uint64_t threshold = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (threshold_ == UINT64_MAX) return;
    if (last_logged_ != 0 && value <= last_logged_ / 4) {
      // Fell to a quarter of the highest boundary logged: each boundary B
      // with value <= B/4 re-arms, the ones below 4 * value stay logged.
      // The logged boundaries are always T..last_logged_, so re-arming
      // lowers last_logged_ to the highest boundary below 4 * value.
      uint64_t below =
          value == 0 ? 0 : highest_power_of_two_at_most(4 * value - 1);
      last_logged_ = below >= threshold_ ? below : 0;
    }
    uint64_t next = last_logged_ == 0 ? threshold_ : last_logged_ * 2;
    if (value >= next && value >= threshold_) {
      boundary = highest_power_of_two_at_most(value);
      last_logged_ = boundary;
      next = boundary > UINT64_MAX / 2 ? UINT64_MAX : boundary * 2;
    }
    next_.store(next, std::memory_order_relaxed);
    rearm_below_.store(last_logged_ == 0 ? 0 : last_logged_ / 4 + 1,
                       std::memory_order_relaxed);
    threshold = threshold_;
  }
  if (boundary == 0) return;
  // Outside the lock: a log sink may call into tether (allocate a buffer,
  // submit a call) and so observe this very watch again.
  std::string where = where_ ? "; " + where_() : std::string();
  TETHER_LOG_WARNING(
      "growth watch: %s reached %llu (now %llu; threshold %llu%s): if "
      "this keeps doubling, something is not being drained or freed",
      what_.c_str(), static_cast<unsigned long long>(boundary),
      static_cast<unsigned long long>(value),
      static_cast<unsigned long long>(threshold), where.c_str());
}

}  // namespace tether
