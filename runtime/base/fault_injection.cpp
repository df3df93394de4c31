#include "base/fault_injection.h"

#include <array>
#include <mutex>
#include <new>
#include <stdexcept>

namespace tether::fault {
namespace {

struct Arming {
  uint32_t skip = 0;       // passes to let through before firing
  uint32_t remaining = 0;  // firings left; 0: unarmed
  uint64_t fired = 0;
  Throw kind = Throw::kBadAlloc;
};

constexpr auto kPoints = static_cast<std::size_t>(Point::kCount);

std::mutex g_mutex;
std::array<Arming, kPoints> g_points;  // GUARDED_BY(g_mutex)

}  // namespace

void arm(Point point, uint32_t nth, uint32_t times, Throw kind) {
  std::lock_guard<std::mutex> lock(g_mutex);
  Arming& arming = g_points[static_cast<std::size_t>(point)];
  if (arming.remaining != 0) {
    detail::g_armed.fetch_sub(1, std::memory_order_relaxed);
  }
  arming = Arming{nth == 0 ? 0 : nth - 1, times, 0, kind};
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

namespace {

// Whether `point` fires on this pass, and with what.
bool fire(Point point, Throw* kind) {
  std::lock_guard<std::mutex> lock(g_mutex);
  Arming& arming = g_points[static_cast<std::size_t>(point)];
  if (arming.remaining == 0) return false;
  if (arming.skip != 0) {
    --arming.skip;
    return false;
  }
  ++arming.fired;
  *kind = arming.kind;
  if (--arming.remaining == 0) {
    detail::g_armed.fetch_sub(1, std::memory_order_relaxed);
  }
  return true;
}

}  // namespace

bool detail::fires_slow(Point point) {
  Throw kind;
  return fire(point, &kind);
}

void throw_if_fires_slow(Point point) {
  Throw kind;
  if (!fire(point, &kind)) return;
  switch (kind) {
    case Throw::kBadAlloc:
      throw std::bad_alloc();
    case Throw::kStdException:
      throw std::runtime_error("injected by a fault point");
    case Throw::kNonStd:
      throw 42;
  }
}

}  // namespace tether::fault
