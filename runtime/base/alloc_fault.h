// Allocation-failure injection: makes the nth allocation made inside a
// tether entry point fail, as SQLite's fault-injection loop does, so a test
// can walk every allocation a scenario makes and check each failure is
// survived.
//
// What counts: allocations on a thread that is inside a public function or
// host function (the firewall marks it with Inside) while a test has armed
// the count; tether's own malloc calls and moodycamel's (through
// queues/queue_traits.h) go through alloc_fault::malloc, and a test binary
// that replaces operator new (tests/fault/alloc_hooks.cpp), which Asio and
// the standard library use, asks fails() too. Allocations on tether's own
// threads outside an entry point (a lane's event loop, the delivery thread) are
// not counted.
//
// Unarmed, Inside costs one relaxed load, and fails() one more.
#ifndef TETHER_RUNTIME_BASE_ALLOC_FAULT_H_
#define TETHER_RUNTIME_BASE_ALLOC_FAULT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace tether::alloc_fault {

namespace detail {
inline std::atomic<bool> g_armed{false};
inline thread_local uint32_t t_inside = 0;
bool fails_slow();
}  // namespace detail

// Marks the calling thread as inside tether for its lifetime.
class Inside {
 public:
  Inside() noexcept : on_(detail::g_armed.load(std::memory_order_relaxed)) {
    if (on_) ++detail::t_inside;
  }
  ~Inside() {
    if (on_) --detail::t_inside;
  }
  Inside(const Inside&) = delete;
  Inside& operator=(const Inside&) = delete;

 private:
  const bool on_;
};

// Counts allocations from now; the nth one (1: the next) fails, the rest
// succeed.
void arm(uint64_t nth);
void disarm();
// Allocations counted since arm(), and whether the nth was reached.
uint64_t counted();
bool fired();

// True when the caller must act as if its allocation failed.
inline bool fails() {
  if (!detail::g_armed.load(std::memory_order_relaxed)) return false;
  return detail::t_inside != 0 && detail::fails_slow();
}

// std::malloc, or NULL when fails().
void* malloc(std::size_t size);

}  // namespace tether::alloc_fault

#endif  // TETHER_RUNTIME_BASE_ALLOC_FAULT_H_
