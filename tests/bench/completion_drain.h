// Takes completions out of a tether completion queue in batches, as a
// consumer that spins does (it never sleeps on the fd): tether_cq_take into
// an array of kPollBatch until a take comes back short. Frees each
// completion's buffers and throws std::runtime_error on the first one that
// is not OK. Not thread-safe: one polling thread per queue, as tether/cq.h
// wants.
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
