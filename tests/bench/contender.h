// The two shapes of measurement and the description of one contender.
//
// A contender is built fresh for every measured repetition (its threads are
// started by the factory and joined by the destructor), so no idle spinning
// thread of one contender steals a core from another. Every contender runs
// the Handler it was built with for each call, on its worker side.
#ifndef TETHER_BENCH_CONTENDER_H
#define TETHER_BENCH_CONTENDER_H

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "handler.h"

namespace tether_bench {

// Runs the handler on another thread and waits for its completion.
// Not thread-safe: one caller thread.
class RoundTripContender {
 public:
  RoundTripContender() = default;
  RoundTripContender(const RoundTripContender&) = delete;
  RoundTripContender& operator=(const RoundTripContender&) = delete;
  virtual ~RoundTripContender() = default;

  // Makes one call and returns once this thread has seen it complete.
  // Throws std::runtime_error when the call fails.
  virtual void round_trip() = 0;
};

// Pushes calls as fast as it can, from the thread that calls run() (and
// from threads of its own, where its name says so).
// Not thread-safe: one caller of run().
class PipelineContender {
 public:
  PipelineContender() = default;
  PipelineContender(const PipelineContender&) = delete;
  PipelineContender& operator=(const PipelineContender&) = delete;
  virtual ~PipelineContender() = default;

  // Submits `count` calls and returns once every one of them has completed.
  // Throws std::runtime_error when a call fails.
  virtual void run(uint64_t count) = 0;

  // Takes each queue behind the contender once to the deepest it can reach
  // (for tether: every call credit in use), then lets it drain, so that a
  // memory baseline taken afterwards already holds the queues' largest
  // size. Does nothing unless a contender says otherwise.
  virtual void fill_queues() {}
};

// What a row of the report stands for.
enum class Role {
  kBound,      // a physical floor (latency) or ceiling (throughput)
  kReference,  // the tether figure every row is compared with
  kTether,     // another way of using tether
  kPeer,       // a way of doing the same job without tether
};

template <class Contender>
struct ContenderSpec {
  std::string name;
  // How the caller submits and how it waits, printed under the table.
  std::string how;
  Role role = Role::kPeer;
  // Operations per repetition are divided by this (thread-per-call peers
  // would otherwise take minutes).
  uint64_t ops_divisor = 1;
  std::function<std::unique_ptr<Contender>(const Handler&)> make;
};

using RoundTripSpec = ContenderSpec<RoundTripContender>;
using PipelineSpec = ContenderSpec<PipelineContender>;

}  // namespace tether_bench

#endif  // TETHER_BENCH_CONTENDER_H
