// One std::async(std::launch::async) per call: a thread is created for
// every call. The async function flags or counts its completion; the caller
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
  void round_trip() override {
    DoneFlag* flag = &flag_;
    std::future<void> call =
        std::async(std::launch::async, [flag] { flag->set(); });
    flag_.wait_and_reset();
  }

 private:
  DoneFlag flag_;
};

class StdAsyncPipeline final : public PipelineContender {
 public:
  void run(uint64_t count) override {
    counter_.reset();
    DoneCounter* counter = &counter_;
    std::vector<std::future<void>> calls;
    calls.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      calls.push_back(
          std::async(std::launch::async, [counter] { counter->add_one(); }));
    }
    counter_.wait_for(count);
  }

 private:
  DoneCounter counter_;
};

}  // namespace

std::unique_ptr<RoundTripContender> make_std_async_round_trip() {
  return std::make_unique<StdAsyncRoundTrip>();
}

std::unique_ptr<PipelineContender> make_std_async_pipeline() {
  return std::make_unique<StdAsyncPipeline>();
}

}  // namespace tether_bench
