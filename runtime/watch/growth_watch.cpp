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

}  // namespace

GrowthWatch::GrowthWatch(std::string what, uint64_t threshold)
    : what_(std::move(what)),
      threshold_(threshold == UINT64_MAX
                     ? UINT64_MAX
                     : round_up_to_power_of_two(
                           threshold == 0 ? kDefaultThreshold : threshold)),
      next_(threshold_) {}

uint64_t GrowthWatch::last_logged() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_logged_;
}

void GrowthWatch::slow_path(uint64_t value) {
  if (threshold_ == UINT64_MAX) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (last_logged_ != 0 && value <= last_logged_ / 4) {
    // Fell far enough: boundaries above the value may log again.
    uint64_t floor =
        value >= threshold_ ? highest_power_of_two_at_most(value) : 0;
    last_logged_ = floor;
  }
  uint64_t next = last_logged_ == 0 ? threshold_ : last_logged_ * 2;
  if (value >= next && value >= threshold_) {
    uint64_t boundary = highest_power_of_two_at_most(value);
    last_logged_ = boundary;
    TETHER_LOG_WARNING(
        "growth watch: %s reached %llu (now %llu; threshold %llu): if this "
        "keeps doubling, something is not being drained or freed",
        what_.c_str(), static_cast<unsigned long long>(boundary),
        static_cast<unsigned long long>(value),
        static_cast<unsigned long long>(threshold_));
    next = boundary > UINT64_MAX / 2 ? UINT64_MAX : boundary * 2;
  }
  next_.store(next, std::memory_order_relaxed);
  rearm_at_.store(last_logged_ / 4, std::memory_order_relaxed);
}

}  // namespace tether
