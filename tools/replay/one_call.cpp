#include "one_call.h"

#include <thread>

namespace tether::replay {

void OneCall::on_completion(tether_completion* completion) {
  // user_data is this object's address (see run()).
  auto* self = reinterpret_cast<OneCall*>(completion->user_data);
  tether_buf_free(completion->result);
  tether_buf_free(completion->error);
  std::lock_guard<std::mutex> lock(self->mutex_);
  self->status_ = completion->status;
  self->code_ = completion->library_code;
  self->done_ = true;
  self->completed_.notify_one();
}

CallOutcome OneCall::run(tether_runtime* runtime, const tether_call& call,
                         std::chrono::milliseconds timeout) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = false;
  }
  CallOutcome outcome;
  uint64_t ticket = 0;
  const tether_status submitted =
      tether_submit(runtime, &call, &OneCall::on_completion,
                    reinterpret_cast<uintptr_t>(this), &ticket);
  if (submitted != TETHER_OK) {
    outcome.status = submitted;
    return outcome;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (!completed_.wait_for(lock, timeout, [this] { return done_; })) {
    outcome.timed_out = true;
    lock.unlock();
    // Whatever it returns, the call completes exactly once: cancelled now,
    // or with the outcome that won just before.
    while (tether_cancel(runtime, ticket) == TETHER_E_BUSY) {
      std::this_thread::yield();  // every producer port held: retry
    }
    lock.lock();
    completed_.wait(lock, [this] { return done_; });
  }
  outcome.status = status_;
  outcome.code = code_;
  return outcome;
}

}  // namespace tether::replay
