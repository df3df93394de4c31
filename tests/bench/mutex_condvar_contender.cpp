// Round trips and pipelines through MutexCondvarQueue: the request is the
// handler's work as a std::function, the callback a std::function that
// flags or counts.

#include "completion_signals.h"
#include "contenders.h"
#include "mutex_condvar_queue.h"

namespace tether_bench {
namespace {

class MutexCondvarRoundTrip final : public RoundTripContender {
 public:
  explicit MutexCondvarRoundTrip(const Handler& handler)
      : work_(handler.work) {}

  void round_trip() override {
    DoneFlag* flag = &flag_;
    queue_.submit({work_, [flag] { flag->set(); }});
    flag_.wait_and_reset();
  }

 private:
  void (*const work_)();
  DoneFlag flag_;
  MutexCondvarQueue queue_;  // last: its worker stops before flag_ goes
};

class MutexCondvarPipeline final : public PipelineContender {
 public:
  explicit MutexCondvarPipeline(const Handler& handler) : work_(handler.work) {}

  void run(uint64_t count) override {
    counter_.reset();
    DoneCounter* counter = &counter_;
    for (uint64_t i = 0; i < count; ++i) {
      queue_.submit({work_, [counter] { counter->add_one(); }});
    }
    counter_.wait_for(count);
  }

 private:
  void (*const work_)();
  DoneCounter counter_;
  MutexCondvarQueue queue_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_mutex_condvar_round_trip(
    const Handler& handler) {
  return std::make_unique<MutexCondvarRoundTrip>(handler);
}

std::unique_ptr<PipelineContender> make_mutex_condvar_pipeline(
    const Handler& handler) {
  return std::make_unique<MutexCondvarPipeline>(handler);
}

}  // namespace tether_bench
