// A full call in each buffer mode: the caller submits a payload (tether
// copies it into a buffer), the lane replies with the same bytes (a second
// buffer), the callback on the lane hands the result back, and the caller
// frees it. The caller spins on a flag, so the time is a round trip.
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "cases.h"
#include "tether/library.hpp"
#include "tether/tether.h"

namespace tether_bench_costs {
namespace {

struct EchoLane {
  explicit EchoLane(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    lane.reply(request, request.payload());
  }
  tether::Lane& lane;
};

struct Reply {
  std::atomic<bool> done{false};
  void* result = nullptr;
  tether_status status = TETHER_OK;
};

void take_reply(tether_completion* completion) {
  auto* reply = reinterpret_cast<Reply*>(completion->user_data);
  reply->status = completion->status;
  reply->result = completion->result;
  completion->result = nullptr;  // ours now: freed by the caller
  reply->done.store(true, std::memory_order_release);
}

void echo_call(benchmark::State& state, int32_t mode, std::size_t size) {
  tether_buf_set_mode(mode);
  tether_runtime* runtime = nullptr;
  if (tether_runtime_open(tether::library_table<EchoLane>("echo"), nullptr,
                          &runtime, nullptr) != TETHER_OK) {
    state.SkipWithError("tether_runtime_open failed");
    return;
  }
  std::vector<unsigned char> payload(size, 0x5A);
  tether_call call;
  tether_call_init(&call);
  call.payload = payload.data();
  call.payload_len = payload.size();
  Reply reply;
  for (auto _ : state) {
    reply.done.store(false, std::memory_order_relaxed);
    if (tether_submit(runtime, &call, &take_reply,
                      reinterpret_cast<uint64_t>(&reply),
                      nullptr) != TETHER_OK) {
      state.SkipWithError("tether_submit failed");
      break;
    }
    while (!reply.done.load(std::memory_order_acquire)) {
    }
    if (reply.status != TETHER_OK) {
      state.SkipWithError("the call failed");
      break;
    }
    tether_buf_free(reply.result);
  }
  tether_runtime_destroy(runtime);
  tether_buf_set_mode(TETHER_BUF_MODE_RELEASE);
}

}  // namespace

std::string echo_call_case(const char* mode, std::size_t size) {
  return std::string("echo_call/") + mode + "/" + std::to_string(size);
}

void register_echo_call_cases() {
  for (std::size_t size : kSizes) {
    for (auto [mode, mode_text] :
         {std::pair{TETHER_BUF_MODE_RELEASE, "release"},
          std::pair{TETHER_BUF_MODE_DEBUG, "debug"}}) {
      benchmark::RegisterBenchmark(echo_call_case(mode_text, size).c_str(),
                                   echo_call, mode, size)
          ->Repetitions(kRepetitions)
          ->ReportAggregatesOnly(true)
          ->UseRealTime()
          ->Unit(benchmark::kNanosecond);
    }
  }
}

}  // namespace tether_bench_costs
