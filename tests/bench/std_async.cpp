// One std::async(std::launch::async) per call: a thread is created for
// every call. The async function runs the handler's work, then flags or
// counts its completion; the caller
// spins on that, then the futures are destroyed, which joins their threads
// (that join is part of the measured time, as it is part of the cost).

#include <future>
#include <vector>

#include "completion_signals.h"
#include "contenders.h"

namespace tether_bench {
namespace {

class StdAsyncRoundTrip final : public RoundTripContender {
 public:
  explicit StdAsyncRoundTrip(const Handler& handler) : work_(handler.work) {}

  void round_trip() override {
    DoneFlag* flag = &flag_;
    std::future<void> call =
        std::async(std::launch::async, [work = work_, flag] {
          work();
          flag->set();
        });
    flag_.wait_and_reset();
  }

 private:
  void (*const work_)();
  DoneFlag flag_;
};

class StdAsyncPipeline final : public PipelineContender {
 public:
  explicit StdAsyncPipeline(const Handler& handler) : work_(handler.work) {}

  void run(uint64_t count) override {
    counter_.reset();
    DoneCounter* counter = &counter_;
    std::vector<std::future<void>> calls;
    calls.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      calls.push_back(std::async(std::launch::async, [work = work_, counter] {
        work();
        counter->add_one();
      }));
    }
    counter_.wait_for(count);
  }

 private:
  void (*const work_)();
  DoneCounter counter_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_std_async_round_trip(
    const Handler& handler) {
  return std::make_unique<StdAsyncRoundTrip>(handler);
}

std::unique_ptr<PipelineContender> make_std_async_pipeline(
    const Handler& handler) {
  return std::make_unique<StdAsyncPipeline>(handler);
}

}  // namespace tether_bench
