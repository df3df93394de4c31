// The host callbacks of the tether contenders. user_data carries the
// address of a DoneFlag or DoneCounter (this host is C++, so a pointer in
// the uint64_t is fine here). Each frees the completion's buffers, records a
// non-OK status as a failure, then flags or counts. Run on the thread the
// runtime delivers on.
#ifndef TETHER_BENCH_TETHER_CALLBACKS_H
#define TETHER_BENCH_TETHER_CALLBACKS_H

#include <cstdint>

#include "completion_signals.h"
#include "tether/tether.h"

namespace tether_bench {

// Frees result and error; returns whether the call succeeded.
inline bool release_completion(const tether_completion& completion) {
  if (completion.result != nullptr) tether_buf_free(completion.result);
  if (completion.error != nullptr) tether_buf_free(completion.error);
  return completion.status == TETHER_OK;
}

inline uint64_t to_user_data(const void* target) {
  return reinterpret_cast<uintptr_t>(target);
}

inline void set_flag_on_completion(tether_completion* completion) {
  auto* flag = reinterpret_cast<DoneFlag*>(completion->user_data);
  if (!release_completion(*completion)) {
    flag->failed.fetch_add(1, std::memory_order_relaxed);
  }
  flag->set();
}

inline void count_on_completion(tether_completion* completion) {
  auto* counter = reinterpret_cast<DoneCounter*>(completion->user_data);
  if (!release_completion(*completion)) {
    counter->failed.fetch_add(1, std::memory_order_relaxed);
  }
  counter->add_one();
}

}  // namespace tether_bench

#endif  // TETHER_BENCH_TETHER_CALLBACKS_H
