// tether_submit_batch: the submitter hands over calls in fixed-size batches;
// on TETHER_E_BUSY it keeps what was accepted and retries the rest.
// Completions are counted by the callback.

#include <algorithm>
#include <vector>

#include "completion_signals.h"
#include "contenders.h"
#include "spin_wait.h"
#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

class TetherBatchPipeline final : public PipelineContender {
 public:
  TetherBatchPipeline(const Handler& handler, const RuntimeChoice& choice,
                      size_t batch_size)
      : calls_(batch_size, handler_call(handler)),
        user_data_(batch_size, to_user_data(&counter_)),
        runtime_(choice) {}

  void run(uint64_t count) override {
    counter_.reset();
    uint64_t submitted = 0;
    while (submitted < count) {
      size_t want = static_cast<size_t>(
          std::min<uint64_t>(calls_.size(), count - submitted));
      size_t accepted = 0;
      tether_status status = tether_submit_batch(
          runtime_.get(), calls_.data(), want, &count_on_completion,
          user_data_.data(), nullptr, &accepted);
      submitted += accepted;
      if (status == TETHER_E_BUSY) {
        cpu_relax();
      } else {
        check_status(status, "tether_submit_batch");
      }
    }
    counter_.wait_for(count);
    throw_if_failed(counter_.failed, "tether_submit_batch");
  }

 private:
  DoneCounter counter_;
  const std::vector<tether_call> calls_;
  const std::vector<uint64_t> user_data_;
  BenchRuntime runtime_;
};

}  // namespace

std::unique_ptr<PipelineContender> make_tether_batch_pipeline(
    const Handler& handler, const RuntimeChoice& choice, size_t batch_size) {
  return std::make_unique<TetherBatchPipeline>(handler, choice, batch_size);
}

}  // namespace tether_bench
