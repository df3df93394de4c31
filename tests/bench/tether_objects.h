// Owning wrappers for the tether objects the contenders use: a runtime with
// one lane serving the no-op library, and a completion queue on it. Their
// constructors throw std::runtime_error with tether's message when the open
// fails. Not thread-safe: owned by one contender.
#ifndef TETHER_BENCH_TETHER_OBJECTS_H
#define TETHER_BENCH_TETHER_OBJECTS_H

#include <cstdint>
#include <optional>

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
};

class OneLaneRuntime {
 public:
  explicit OneLaneRuntime(const RuntimeChoice& choice);
  OneLaneRuntime(const OneLaneRuntime&) = delete;
  OneLaneRuntime& operator=(const OneLaneRuntime&) = delete;
  // Drains in-flight calls, then frees the runtime.
  ~OneLaneRuntime();

  tether_runtime* get() const { return runtime_; }

 private:
  tether_runtime* runtime_ = nullptr;
};

class CompletionQueue {
 public:
  explicit CompletionQueue(const OneLaneRuntime& runtime);
  CompletionQueue(const CompletionQueue&) = delete;
  CompletionQueue& operator=(const CompletionQueue&) = delete;
  // REQUIRES: the runtime was shut down first, or nothing is in flight.
  ~CompletionQueue();

  tether_cq* get() const { return cq_; }

 private:
  tether_cq* cq_ = nullptr;
};

// A no-op call: method 0, no payload, any lane.
tether_call no_op_call();

}  // namespace tether_bench

#endif  // TETHER_BENCH_TETHER_OBJECTS_H
