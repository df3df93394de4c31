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
  // The recorder's entries per lane; nullopt: the default (on). 0: off.
  std::optional<uint32_t> recorder_entries;
  // Payload capture per lane (0: none).
  uint64_t capture_bytes = 0;
  // Each call carries this many payload bytes (at most 64).
  uint32_t payload_bytes = 0;

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
  RuntimeChoice with_recorder_entries(uint32_t value) const {
    RuntimeChoice copy = *this;
    copy.recorder_entries = value;
    return copy;
  }
  RuntimeChoice with_capture_bytes(uint64_t value) const {
    RuntimeChoice copy = *this;
    copy.capture_bytes = value;
    return copy;
  }
  RuntimeChoice with_payload_bytes(uint32_t value) const {
    RuntimeChoice copy = *this;
    copy.payload_bytes = value;
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
// As handler_call, carrying the choice's payload bytes (static storage).
tether_call handler_call(const Handler& handler, const RuntimeChoice& choice);

}  // namespace tether_bench

#endif  // TETHER_BENCH_TETHER_OBJECTS_H
