// tether_submit_batch_cq in fixed-size batches, completions drained from
// the completion queue in batches (CompletionDrain) after every batch and
// whenever a batch is refused busy: the fewest crossings per call tether
// offers a host, as a Go binding's single draining goroutine uses it.

#include <algorithm>
#include <thread>
#include <vector>

#include "bench_library.h"
#include "completion_drain.h"
#include "contenders.h"
#include "spin_wait.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

class TetherBatchCqPipeline final : public PipelineContender {
 public:
  TetherBatchCqPipeline(const Handler& handler, size_t batch_size)
      : calls_(batch_size, handler_call(handler)),
        tags_(batch_size, 0),
        runtime_(RuntimeChoice{}),
        cq_(runtime_) {}

  void run(uint64_t count) override {
    uint64_t submitted = 0;
    uint64_t completed = 0;
    while (submitted < count) {
      size_t want = static_cast<size_t>(
          std::min<uint64_t>(calls_.size(), count - submitted));
      size_t accepted = 0;
      tether_status status =
          tether_submit_batch_cq(runtime_.get(), calls_.data(), want, cq_.get(),
                                 tags_.data(), nullptr, &accepted);
      submitted += accepted;
      if (status != TETHER_OK && status != TETHER_E_BUSY) {
        check_status(status, "tether_submit_batch_cq");
      }
      completed += drain_.drain(cq_.get());
    }
    while (completed < count) {
      size_t polled = drain_.drain(cq_.get());
      if (polled == 0) cpu_relax();
      completed += polled;
    }
  }

  // The lane waits at the bench library's gate while calls take every
  // credit behind it; then all their completions enter the queue before
  // any is taken, so its backlog reaches the credit limit too.
  void fill_queues() override {
    uint64_t accepted = 0;
    {
      ClosedGate gate;
      tether_call gate_call = calls_[0];
      gate_call.method = kMethodGate;
      check_status(
          tether_submit_cq(runtime_.get(), &gate_call, cq_.get(), 0, nullptr),
          "tether_submit_cq");
      for (accepted = 1;; ++accepted) {
        tether_status status =
            tether_submit_cq(runtime_.get(), &calls_[0], cq_.get(), 0, nullptr);
        if (status == TETHER_E_BUSY) break;
        check_status(status, "tether_submit_cq");
      }
    }
    tether_stats stats;
    tether_stats_init(&stats);
    for (;;) {
      check_status(tether_runtime_stats(runtime_.get(), &stats),
                   "tether_runtime_stats");
      if (stats.cq_backlog >= accepted) break;
      std::this_thread::yield();
    }
    for (uint64_t completed = 0; completed < accepted;) {
      completed += drain_.drain(cq_.get());
    }
  }

 private:
  const std::vector<tether_call> calls_;
  const std::vector<uint64_t> tags_;
  CompletionDrain drain_;
  BenchRuntime runtime_;
  CompletionQueue cq_;
};

}  // namespace

std::unique_ptr<PipelineContender> make_tether_batch_cq_pipeline(
    const Handler& handler, size_t batch_size) {
  return std::make_unique<TetherBatchCqPipeline>(handler, batch_size);
}

}  // namespace tether_bench
