// tether_submit with a host callback, delivered on the lane or on the
// delivery thread. Round trips spin on a flag the callback sets; pipelines
// retry TETHER_E_BUSY and spin on a counter the callback bumps.

#include "bench_library.h"
#include "completion_signals.h"
#include "contenders.h"
#include "spin_wait.h"
#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

class TetherCallbackRoundTrip final : public RoundTripContender {
 public:
  TetherCallbackRoundTrip(const Handler& handler, const RuntimeChoice& choice)
      : call_(handler_call(handler, choice)), runtime_(choice) {}

  void round_trip() override {
    check_status(tether_submit(runtime_.get(), &call_, &set_flag_on_completion,
                               to_user_data(&flag_), nullptr),
                 "tether_submit");
    flag_.wait_and_reset();
    throw_if_failed(flag_.failed, "tether_submit");
  }

 private:
  DoneFlag flag_;
  const tether_call call_;
  BenchRuntime runtime_;  // last: shut down before flag_ goes
};

class TetherCallbackPipeline final : public PipelineContender {
 public:
  TetherCallbackPipeline(const Handler& handler, const RuntimeChoice& choice)
      : call_(handler_call(handler, choice)), runtime_(choice) {}

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

  // The lane waits at the bench library's gate while calls take every
  // credit behind it; then they complete in one burst (through the delivery
  // queue when callbacks run on the delivery thread).
  void fill_queues() override {
    counter_.reset();
    const uint64_t user_data = to_user_data(&counter_);
    uint64_t accepted = 0;
    {
      ClosedGate gate;
      tether_call gate_call = call_;
      gate_call.method = kMethodGate;
      check_status(tether_submit(runtime_.get(), &gate_call,
                                 &count_on_completion, user_data, nullptr),
                   "tether_submit");
      for (accepted = 1;; ++accepted) {
        tether_status status = tether_submit(
            runtime_.get(), &call_, &count_on_completion, user_data, nullptr);
        if (status == TETHER_E_BUSY) break;
        check_status(status, "tether_submit");
      }
    }
    counter_.wait_for(accepted);
    throw_if_failed(counter_.failed, "tether_submit");
  }

 private:
  DoneCounter counter_;
  const tether_call call_;
  BenchRuntime runtime_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_tether_callback_round_trip(
    const Handler& handler, const RuntimeChoice& choice) {
  return std::make_unique<TetherCallbackRoundTrip>(handler, choice);
}

std::unique_ptr<PipelineContender> make_tether_callback_pipeline(
    const Handler& handler, const RuntimeChoice& choice) {
  return std::make_unique<TetherCallbackPipeline>(handler, choice);
}

}  // namespace tether_bench
