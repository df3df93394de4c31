#include "completion_drain.h"

#include "tether_callbacks.h"
#include "tether_objects.h"

namespace tether_bench {

size_t CompletionDrain::drain(tether_cq* cq) {
  size_t total = 0;
  for (;;) {
    size_t polled = 0;
    check_status(tether_cq_take(cq, batch_.data(), sizeof(tether_completion),
                                batch_.size(), &polled),
                 "tether_cq_take");
    for (size_t i = 0; i < polled; ++i) {
      if (!release_completion(batch_[i])) {
        check_status(batch_[i].status, "the call");
      }
    }
    total += polled;
    if (polled < batch_.size()) return total;
  }
}

}  // namespace tether_bench
