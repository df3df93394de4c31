// Two lanes fed by two submitters: the caller's thread and one started per
// run() each submit half of the calls, each with its own key, the two keys
// chosen so that they land on different lanes. Callbacks on the lane count
// per submitter. What the two pairs share is tether's own bookkeeping (the
// slot pool, the credits, the port pool), so this row shows whether it
// scales. With fewer than four hardware threads the four spinning threads
// share cores.

#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include "completion_signals.h"
#include "contenders.h"
#include "spin_wait.h"
#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {
namespace {

constexpr uint32_t kLanes = 2;

struct alignas(64) LaneProbe {
  std::atomic<uint32_t> lane{UINT32_MAX};
};

void record_lane(tether_completion* completion) {
  auto* probe = reinterpret_cast<LaneProbe*>(completion->user_data);
  release_completion(*completion);
  probe->lane.store(completion->lane, std::memory_order_release);
}

// The first key whose calls run on `wanted`, found by asking the runtime.
uint64_t key_for_lane(tether_runtime* runtime, uint32_t wanted) {
  tether_call call = handler_call(kNoOpHandler);
  for (uint64_t key = 0; key < 1024; ++key) {
    call.key = key;
    LaneProbe probe;
    check_status(tether_submit(runtime, &call, &record_lane,
                               to_user_data(&probe), nullptr),
                 "tether_submit");
    uint32_t lane;
    spin_until([&] {
      lane = probe.lane.load(std::memory_order_acquire);
      return lane != UINT32_MAX;
    });
    if (lane == wanted) return key;
  }
  throw std::runtime_error("no key maps to lane " + std::to_string(wanted));
}

class TetherTwoLanePipeline final : public PipelineContender {
 public:
  explicit TetherTwoLanePipeline(const Handler& handler)
      : runtime_(RuntimeChoice().with_lanes(kLanes)) {
    for (uint32_t lane = 0; lane < kLanes; ++lane) {
      calls_[lane] = handler_call(handler);
      calls_[lane].key = key_for_lane(runtime_.get(), lane);
    }
  }

  void run(uint64_t count) override {
    const uint64_t first = count / 2;
    std::exception_ptr other_failed;
    std::thread other([&] {
      try {
        submit(1, count - first);
      } catch (...) {
        other_failed = std::current_exception();
      }
    });
    try {
      submit(0, first);
    } catch (...) {
      other.join();
      throw;
    }
    other.join();
    if (other_failed) std::rethrow_exception(other_failed);
  }

 private:
  void submit(uint32_t submitter, uint64_t count) {
    DoneCounter& counter = counters_[submitter];
    counter.reset();
    const uint64_t user_data = to_user_data(&counter);
    for (uint64_t i = 0; i < count; ++i) {
      for (;;) {
        tether_status status =
            tether_submit(runtime_.get(), &calls_[submitter],
                          &count_on_completion, user_data, nullptr);
        if (status == TETHER_OK) break;
        if (status != TETHER_E_BUSY) check_status(status, "tether_submit");
        cpu_relax();
      }
    }
    counter.wait_for(count);
    throw_if_failed(counter.failed, "tether_submit");
  }

  DoneCounter counters_[kLanes];
  tether_call calls_[kLanes];
  BenchRuntime runtime_;
};

}  // namespace

std::unique_ptr<PipelineContender> make_tether_two_lane_pipeline(
    const Handler& handler) {
  return std::make_unique<TetherTwoLanePipeline>(handler);
}

}  // namespace tether_bench
