// tether_submit_cq with completions taken by the caller itself through
// tether_cq_poll(timeout 0), in a spin. Round trips poll one completion;
// pipelines drain the queue (batches of kPollBatch until a short one, as
// the consumer contract in tether/cq.h asks) after every kPollBatch
// submits and whenever a submit is refused busy, then until all are in.

#include <array>
#include <cstddef>

#include "contenders.h"
#include "spin_wait.h"
#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

constexpr size_t kPollBatch = 64;

class TetherCqRoundTrip final : public RoundTripContender {
 public:
  TetherCqRoundTrip() : runtime_(RuntimeChoice{}), cq_(runtime_) {}

  void round_trip() override {
    check_status(
        tether_submit_cq(runtime_.get(), &call_, cq_.get(), 0, nullptr),
        "tether_submit_cq");
    tether_completion completion;
    size_t polled = 0;
    for (;;) {
      check_status(tether_cq_poll(cq_.get(), &completion, sizeof(completion), 1,
                                  0, &polled),
                   "tether_cq_poll");
      if (polled != 0) break;
      cpu_relax();
    }
    check_status(release_completion(completion) ? TETHER_OK : completion.status,
                 "the call");
  }

 private:
  const tether_call call_ = no_op_call();
  OneLaneRuntime runtime_;
  // Destroyed before the runtime: a queue outlives nothing it depends on,
  // and tether frees completions that arrive after its destroy.
  CompletionQueue cq_;
};

class TetherCqPipeline final : public PipelineContender {
 public:
  TetherCqPipeline() : runtime_(RuntimeChoice{}), cq_(runtime_) {}

  void run(uint64_t count) override {
    uint64_t submitted = 0;
    uint64_t completed = 0;
    while (submitted < count) {
      tether_status status =
          tether_submit_cq(runtime_.get(), &call_, cq_.get(), 0, nullptr);
      if (status == TETHER_OK) {
        if (++submitted % kPollBatch == 0) completed += drain();
        continue;
      }
      if (status != TETHER_E_BUSY) check_status(status, "tether_submit_cq");
      completed += drain();
    }
    while (completed < count) {
      size_t polled = drain();
      if (polled == 0) cpu_relax();
      completed += polled;
    }
  }

 private:
  // Takes everything that is ready and returns how many.
  size_t drain() {
    size_t total = 0;
    for (;;) {
      size_t polled = 0;
      check_status(
          tether_cq_poll(cq_.get(), batch_.data(), sizeof(tether_completion),
                         batch_.size(), 0, &polled),
          "tether_cq_poll");
      for (size_t i = 0; i < polled; ++i) {
        if (!release_completion(batch_[i])) {
          check_status(batch_[i].status, "the call");
        }
      }
      total += polled;
      if (polled < batch_.size()) return total;
    }
  }

  const tether_call call_ = no_op_call();
  std::array<tether_completion, kPollBatch> batch_;
  OneLaneRuntime runtime_;
  CompletionQueue cq_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_tether_cq_round_trip() {
  return std::make_unique<TetherCqRoundTrip>();
}

std::unique_ptr<PipelineContender> make_tether_cq_pipeline() {
  return std::make_unique<TetherCqPipeline>();
}

}  // namespace tether_bench
