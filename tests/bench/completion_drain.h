// Takes completions out of a tether completion queue in batches, as the
// consumer contract in tether/cq.h asks: tether_cq_poll(timeout 0) into an
// array of kPollBatch until a poll comes back short. Frees each completion's
// buffers and throws std::runtime_error on the first one that is not OK.
// Not thread-safe: one polling thread per queue, as tether_cq_poll wants.
#ifndef TETHER_BENCH_COMPLETION_DRAIN_H
#define TETHER_BENCH_COMPLETION_DRAIN_H

#include <array>
#include <cstddef>

#include "tether/tether.h"

namespace tether_bench {

class CompletionDrain {
 public:
  static constexpr size_t kPollBatch = 64;

  // Takes everything that is ready and returns how many.
  size_t drain(tether_cq* cq);

 private:
  std::array<tether_completion, kPollBatch> batch_;
};

}  // namespace tether_bench

#endif  // TETHER_BENCH_COMPLETION_DRAIN_H
