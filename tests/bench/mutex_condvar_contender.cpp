// Round trips and pipelines through MutexCondvarQueue: the request is a
// no-op std::function, the callback a std::function that flags or counts.

#include "completion_signals.h"
#include "contenders.h"
#include "mutex_condvar_queue.h"

namespace tether_bench {
namespace {

void no_op() {}

class MutexCondvarRoundTrip final : public RoundTripContender {
 public:
  void round_trip() override {
    DoneFlag* flag = &flag_;
    queue_.submit({&no_op, [flag] { flag->set(); }});
    flag_.wait_and_reset();
  }

 private:
  DoneFlag flag_;
  MutexCondvarQueue queue_;  // last: its worker stops before flag_ goes
};

class MutexCondvarPipeline final : public PipelineContender {
 public:
  void run(uint64_t count) override {
    counter_.reset();
    DoneCounter* counter = &counter_;
    for (uint64_t i = 0; i < count; ++i) {
      queue_.submit({&no_op, [counter] { counter->add_one(); }});
    }
    counter_.wait_for(count);
  }

 private:
  DoneCounter counter_;
  MutexCondvarQueue queue_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_mutex_condvar_round_trip() {
  return std::make_unique<MutexCondvarRoundTrip>();
}

std::unique_ptr<PipelineContender> make_mutex_condvar_pipeline() {
  return std::make_unique<MutexCondvarPipeline>();
}

}  // namespace tether_bench
