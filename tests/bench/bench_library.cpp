#include "bench_library.h"

#include <atomic>

#include "handler.h"
#include "tether/library.hpp"

namespace tether_bench {
namespace {

std::atomic<bool> gate_open{true};

// Per-lane state of the bench library.
class BenchShard {
 public:
  explicit BenchShard(tether::Lane& lane) : lane_(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == kMethodBusy) {
      busy_work();
    } else if (request.method() == kMethodGate) {
      gate_open.wait(false, std::memory_order_acquire);
    }
    lane_.api()->reply(request.id(), nullptr, 0);
  }

 private:
  tether::Lane& lane_;
};

}  // namespace

const tether_library* bench_library() {
  return tether::library_table<BenchShard>("bench");
}

void close_gate() { gate_open.store(false, std::memory_order_release); }

void open_gate() {
  gate_open.store(true, std::memory_order_release);
  gate_open.notify_all();
}

}  // namespace tether_bench
