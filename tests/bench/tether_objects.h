// Owning wrappers for the tether objects the contenders use: a runtime
// serving the bench library, and a completion queue on it. Their
// constructors throw std::runtime_error with tether's message when the open
// fails. Not thread-safe: owned by one contender.
#ifndef TETHER_BENCH_TETHER_OBJECTS_H
#define TETHER_BENCH_TETHER_OBJECTS_H

#include <cstdint>
#include <optional>

#include "handler.h"
#include "tether/tether.h"

namespace tether_bench {

// Throws std::runtime_error naming `what` and the status unless it is OK.
void check_status(tether_status status, const char* what);

// The settings a contender chooses for its runtime; the rest are tether's
// defaults.
struct RuntimeChoice {
  // TETHER_DELIVER_ON_LANE or TETHER_DELIVER_ON_THREAD.
  int32_t deliver = TETHER_DELIVER_ON_LANE;
  // How long an idle lane spins before it parks; nullopt: the default.
  std::optional<uint64_t> spin_ns;
  uint32_t lanes = 1;
  // The calls-in-flight credit; nullopt: the default.
  std::optional<uint32_t> max_calls_in_flight;

  // Copies with one setting changed.
  RuntimeChoice with_deliver(int32_t value) const {
    RuntimeChoice copy = *this;
    copy.deliver = value;
    return copy;
  }
  RuntimeChoice with_spin_ns(uint64_t value) const {
    RuntimeChoice copy = *this;
    copy.spin_ns = value;
    return copy;
  }
  RuntimeChoice with_lanes(uint32_t value) const {
    RuntimeChoice copy = *this;
    copy.lanes = value;
    return copy;
  }
  RuntimeChoice with_max_calls_in_flight(uint32_t value) const {
    RuntimeChoice copy = *this;
    copy.max_calls_in_flight = value;
    return copy;
  }
};

class BenchRuntime {
 public:
  explicit BenchRuntime(const RuntimeChoice& choice);
  BenchRuntime(const BenchRuntime&) = delete;
  BenchRuntime& operator=(const BenchRuntime&) = delete;
  // Drains in-flight calls, then frees the runtime.
  ~BenchRuntime();

  tether_runtime* get() const { return runtime_; }

 private:
  tether_runtime* runtime_ = nullptr;
};

class CompletionQueue {
 public:
  explicit CompletionQueue(const BenchRuntime& runtime);
  CompletionQueue(const CompletionQueue&) = delete;
  CompletionQueue& operator=(const CompletionQueue&) = delete;
  // REQUIRES: the runtime was shut down first, or nothing is in flight.
  ~CompletionQueue();

  tether_cq* get() const { return cq_; }

 private:
  tether_cq* cq_ = nullptr;
};

// A call of the bench library's method for `handler`: no payload, any lane.
tether_call handler_call(const Handler& handler);

}  // namespace tether_bench

#endif  // TETHER_BENCH_TETHER_OBJECTS_H
