// Fault points: named places in the engine where a test can make an
// operation fail (an enqueue that finds no memory) or throw std::bad_alloc,
// on the Nth pass from when it was armed.
//
// Compiled into every build, so the code a test drives down a failure path
// is the code that ships. Unarmed, a point costs one relaxed load of a word
// nothing writes (it stays in every core's cache). Only C++ code linked
// against the engine can arm one: libtether.so exports tether_* symbols
// only, so no host can trip a point by accident.
//
// Thread safety: every function is thread-safe. A point fires for whichever
// thread passes it: a test arms a point that only the path under test
// passes.
#ifndef TETHER_RUNTIME_BASE_FAULT_INJECTION_H_
#define TETHER_RUNTIME_BASE_FAULT_INJECTION_H_

#include <atomic>
#include <cstdint>

namespace tether::fault {

enum class Point : uint32_t {
  // The engine function behind a C entry point (shim or host function)
  // throws std::bad_alloc: what the exception firewall must stop.
  kEngineThrows,
  // The body of any C entry point or host function throws as it starts,
  // inside the firewall (base/firewall.h): one point that reaches every
  // guarded function, so a test can walk the whole ABI.
  kBoundaryThrows,
  // tether_cancel's enqueue of the cancelled call for the delivery thread
  // (and submit's, of a call it ended because its deadline could not be
  // armed).
  kCancelEnqueue,
  // A lane's enqueue of a claimed call for the delivery thread (on-thread
  // delivery, a reply past its deadline).
  kLaneHandOff,
  // Shutdown's enqueue of a call it closed for the delivery thread.
  kShutdownCloseOut,
  // Submit's enqueue of an accepted call's deadline for the delivery
  // thread.
  kDeadlineEnqueue,
  // The delivery thread's push of a deadline onto its heap (throws).
  kDeadlineHeap,
  kCount,
};

// What throw_if_fires() throws for a point.
enum class Throw : uint32_t {
  kBadAlloc,      // std::bad_alloc
  kStdException,  // a std::runtime_error
  kNonStd,        // an int: a type no handler names
};

// Makes `point` fire on its nth pass from now (1: the next one) and on the
// `times - 1` passes after that, throwing `kind` where it throws.
// Re-arming replaces the earlier arming.
void arm(Point point, uint32_t nth = 1, uint32_t times = 1,
         Throw kind = Throw::kBadAlloc);
// Disarms every point and clears their counts.
void disarm_all();
// How many times `point` fired since it was last armed.
uint64_t fired(Point point);

namespace detail {
inline std::atomic<uint32_t> g_armed{0};  // points armed and not spent
bool fires_slow(Point point);
}  // namespace detail

// True when the caller must act as if its operation failed.
inline bool fires(Point point) {
  if (detail::g_armed.load(std::memory_order_relaxed) == 0) return false;
  return detail::fires_slow(point);
}

// Throws what `point` was armed with when it fires.
void throw_if_fires_slow(Point point);
inline void throw_if_fires(Point point) {
  if (detail::g_armed.load(std::memory_order_relaxed) == 0) return;
  throw_if_fires_slow(point);
}

}  // namespace tether::fault

#endif  // TETHER_RUNTIME_BASE_FAULT_INJECTION_H_
