// Before the fix: a library keeps a per-lane table of sessions and never
// evicts (the cache that never hits, the table nobody clears). It registers
// the table's size as a gauge, so tether's growth watch logs it at 4096,
// 8192 and 16384 entries, naming the gauge, the library and the lane.
//
// The one-line fix: evict (here, erase the session when the call ends).
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <unordered_map>

#include "tether/library.hpp"
#include "tether/tether.h"

namespace {

struct SessionsLane {
  explicit SessionsLane(tether::Lane& lane)
      : lane(lane), gauge(lane.register_gauge("sessions table")) {}
  void handle(const tether::Request& request) {
    sessions[request.id()] = std::string(request.payload());  // never erased
    lane.set_gauge(gauge, sessions.size());
    lane.reply(request, "");
  }
  tether::Lane& lane;
  uint32_t gauge;
  std::unordered_map<uint64_t, std::string> sessions;
};

std::atomic<int> completed{0};

}  // namespace

int main() {
  tether_runtime* runtime = nullptr;
  if (tether_runtime_open(tether::library_table<SessionsLane>("sessions"),
                          nullptr, &runtime, nullptr) != TETHER_OK) {
    return 1;
  }
  constexpr int kCalls = 20000;
  for (int i = 0; i < kCalls; ++i) {
    tether_call call;
    tether_call_init(&call);
    call.payload = "user";
    call.payload_len = 4;
    while (tether_submit(
               runtime, &call,
               [](tether_completion*) { completed.fetch_add(1); }, 0,
               nullptr) == TETHER_E_BUSY) {
      std::this_thread::yield();
    }
  }
  while (completed.load() < kCalls) std::this_thread::yield();
  std::printf(
      "%d calls, one session each, none evicted: the log above "
      "named the table at each boundary\n",
      kCalls);
  return tether_runtime_destroy(runtime) == TETHER_OK ? 0 : 1;
}
