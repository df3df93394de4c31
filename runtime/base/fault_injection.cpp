#include "base/fault_injection.h"

#include <array>
#include <mutex>
#include <new>

namespace tether::fault {
namespace {

struct Arming {
  uint32_t skip = 0;       // passes to let through before firing
  uint32_t remaining = 0;  // firings left; 0: unarmed
  uint64_t fired = 0;
};

constexpr auto kPoints = static_cast<std::size_t>(Point::kCount);

std::mutex g_mutex;
std::array<Arming, kPoints> g_points;  // GUARDED_BY(g_mutex)

}  // namespace

void arm(Point point, uint32_t nth, uint32_t times) {
  std::lock_guard<std::mutex> lock(g_mutex);
  Arming& arming = g_points[static_cast<std::size_t>(point)];
  if (arming.remaining != 0) {
    detail::g_armed.fetch_sub(1, std::memory_order_relaxed);
  }
  arming = Arming{nth == 0 ? 0 : nth - 1, times, 0};
  if (times != 0) detail::g_armed.fetch_add(1, std::memory_order_relaxed);
}

void disarm_all() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_points.fill(Arming{});
  detail::g_armed.store(0, std::memory_order_relaxed);
}

uint64_t fired(Point point) {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_points[static_cast<std::size_t>(point)].fired;
}

bool detail::fires_slow(Point point) {
  std::lock_guard<std::mutex> lock(g_mutex);
  Arming& arming = g_points[static_cast<std::size_t>(point)];
  if (arming.remaining == 0) return false;
  if (arming.skip != 0) {
    --arming.skip;
    return false;
  }
  ++arming.fired;
  if (--arming.remaining == 0) g_armed.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void throw_if_fires_slow(Point point) {
  if (detail::fires_slow(point)) throw std::bad_alloc();
}

}  // namespace tether::fault
