// tether_submit_cq with completions taken by the caller itself through
// tether_cq_take, in a spin (a spinning consumer never sleeps on the fd, so
// it leaves it unarmed). Round trips poll one completion;
// pipelines drain the queue in batches (CompletionDrain) after every
// kDrainEvery submits and whenever a submit is refused busy, then until all
// are in.

#include <cstddef>

#include "completion_drain.h"
#include "contenders.h"
#include "spin_wait.h"
#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

constexpr uint64_t kDrainEvery = CompletionDrain::kPollBatch;

class TetherCqRoundTrip final : public RoundTripContender {
 public:
  explicit TetherCqRoundTrip(const Handler& handler)
      : call_(handler_call(handler)),
        runtime_(RuntimeChoice{}),
        cq_(runtime_) {}

  void round_trip() override {
    check_status(
        tether_submit_cq(runtime_.get(), &call_, cq_.get(), 0, nullptr),
        "tether_submit_cq");
    tether_completion completion;
    size_t polled = 0;
    for (;;) {
      check_status(tether_cq_take(cq_.get(), &completion, sizeof(completion), 1,
                                  &polled),
                   "tether_cq_take");
      if (polled != 0) break;
      cpu_relax();
    }
    check_status(release_completion(completion) ? TETHER_OK : completion.status,
                 "the call");
  }

 private:
  const tether_call call_;
  BenchRuntime runtime_;
  // Destroyed before the runtime: a queue outlives nothing it depends on,
  // and tether frees completions that arrive after its destroy.
  CompletionQueue cq_;
};

class TetherCqPipeline final : public PipelineContender {
 public:
  explicit TetherCqPipeline(const Handler& handler)
      : call_(handler_call(handler)),
        runtime_(RuntimeChoice{}),
        cq_(runtime_) {}

  void run(uint64_t count) override {
    uint64_t submitted = 0;
    uint64_t completed = 0;
    while (submitted < count) {
      tether_status status =
          tether_submit_cq(runtime_.get(), &call_, cq_.get(), 0, nullptr);
      if (status == TETHER_OK) {
        if (++submitted % kDrainEvery == 0)
          completed += drain_.drain(cq_.get());
        continue;
      }
      if (status != TETHER_E_BUSY) check_status(status, "tether_submit_cq");
      completed += drain_.drain(cq_.get());
    }
    while (completed < count) {
      size_t polled = drain_.drain(cq_.get());
      if (polled == 0) cpu_relax();
      completed += polled;
    }
  }

 private:
  const tether_call call_;
  CompletionDrain drain_;
  BenchRuntime runtime_;
  CompletionQueue cq_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_tether_cq_round_trip(
    const Handler& handler) {
  return std::make_unique<TetherCqRoundTrip>(handler);
}

std::unique_ptr<PipelineContender> make_tether_cq_pipeline(
    const Handler& handler) {
  return std::make_unique<TetherCqPipeline>(handler);
}

}  // namespace tether_bench
