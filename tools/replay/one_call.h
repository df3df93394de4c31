// Sends one call and waits for its completion, cancelling it when it takes
// longer than a timeout: the replay sends calls one at a time.
#ifndef TETHER_TOOLS_REPLAY_ONE_CALL_H_
#define TETHER_TOOLS_REPLAY_ONE_CALL_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "tether/tether.h"

namespace tether::replay {

struct CallOutcome {
  // The completion's status, or the submit's when submit refused the call.
  int32_t status = 0;
  int32_t code = 0;
  // No completion came within the timeout: the call was cancelled, and
  // status is the completion that followed.
  bool timed_out = false;
};

class OneCall {
 public:
  OneCall() = default;
  OneCall(const OneCall&) = delete;
  OneCall& operator=(const OneCall&) = delete;

  // Submits `call` on `runtime` and waits for its completion (its result
  // and error buffers are freed). When none came within `timeout`, cancels
  // the call and waits for the completion the cancel decided.
  // REQUIRES: no other run() on this object at the same time.
  CallOutcome run(tether_runtime* runtime, const tether_call& call,
                  std::chrono::milliseconds timeout);

 private:
  static void on_completion(tether_completion* completion);

  std::mutex mutex_;
  std::condition_variable completed_;
  bool done_ = false;
  int32_t status_ = 0;
  int32_t code_ = 0;
};

}  // namespace tether::replay

#endif  // TETHER_TOOLS_REPLAY_ONE_CALL_H_
