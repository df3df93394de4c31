#include "noop_library.h"

#include "tether/library.hpp"

namespace tether_bench {
namespace {

// Per-lane state of the no-op library.
class NoopShard {
 public:
  explicit NoopShard(tether::Lane& lane) : lane_(lane) {}
  void handle(const tether::Request& request) {
    lane_.api()->reply(request.id(), nullptr, 0);
  }

 private:
  tether::Lane& lane_;
};

}  // namespace

const tether_library* noop_library() {
  return tether::library_table<NoopShard>("bench-noop");
}

}  // namespace tether_bench
