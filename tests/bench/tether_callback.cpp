// tether_submit with a host callback, delivered on the lane or on the
// delivery thread. Round trips spin on a flag the callback sets; pipelines
// retry TETHER_E_BUSY and spin on a counter the callback bumps.

#include "completion_signals.h"
#include "contenders.h"
#include "spin_wait.h"
#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

class TetherCallbackRoundTrip final : public RoundTripContender {
 public:
  explicit TetherCallbackRoundTrip(const RuntimeChoice& choice)
      : runtime_(choice) {}

  void round_trip() override {
    check_status(tether_submit(runtime_.get(), &call_, &set_flag_on_completion,
                               to_user_data(&flag_), nullptr),
                 "tether_submit");
    flag_.wait_and_reset();
    throw_if_failed(flag_.failed, "tether_submit");
  }

 private:
  DoneFlag flag_;
  const tether_call call_ = no_op_call();
  OneLaneRuntime runtime_;  // last: shut down before flag_ goes
};

class TetherCallbackPipeline final : public PipelineContender {
 public:
  explicit TetherCallbackPipeline(const RuntimeChoice& choice)
      : runtime_(choice) {}

  void run(uint64_t count) override {
    counter_.reset();
    const uint64_t user_data = to_user_data(&counter_);
    for (uint64_t i = 0; i < count; ++i) {
      for (;;) {
        tether_status status = tether_submit(
            runtime_.get(), &call_, &count_on_completion, user_data, nullptr);
        if (status == TETHER_OK) break;
        if (status != TETHER_E_BUSY) check_status(status, "tether_submit");
        cpu_relax();
      }
    }
    counter_.wait_for(count);
    throw_if_failed(counter_.failed, "tether_submit");
  }

 private:
  DoneCounter counter_;
  const tether_call call_ = no_op_call();
  OneLaneRuntime runtime_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_tether_callback_round_trip(
    const RuntimeChoice& choice) {
  return std::make_unique<TetherCallbackRoundTrip>(choice);
}

std::unique_ptr<PipelineContender> make_tether_callback_pipeline(
    const RuntimeChoice& choice) {
  return std::make_unique<TetherCallbackPipeline>(choice);
}

}  // namespace tether_bench
