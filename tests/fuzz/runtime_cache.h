// Open runtimes kept between the API fuzzer's sequences. Opening a runtime
// (its lanes and delivery thread) and shutting it down took most of each
// input's time, so a sequence that leaves its runtime open and quiet (every
// call completed and its request released, nothing alive; the harness
// checks all of that first) hands it to the next sequence with the same
// config. Sequences that shut their runtime down still open a fresh one.
#ifndef TETHER_TESTS_FUZZ_RUNTIME_CACHE_H
#define TETHER_TESTS_FUZZ_RUNTIME_CACHE_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tether/runtime.h"

namespace tether_fuzz {

class RuntimeCache {
 public:
  // The runtime kept for `config`, now the caller's, or NULL.
  tether_runtime* Take(const tether_runtime_config& config) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (SameConfig(entries_[i].config, config)) {
        tether_runtime* runtime = entries_[i].runtime;
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
        return runtime;
      }
    }
    return nullptr;
  }

  // Every kept runtime, now the caller's.
  std::vector<tether_runtime*> TakeAll() {
    std::vector<tether_runtime*> all;
    for (const Entry& entry : entries_) all.push_back(entry.runtime);
    entries_.clear();
    return all;
  }

  // Keeps `runtime`, opened with `config`; returns the least recently kept
  // one it makes room by dropping (the caller destroys it), or NULL.
  tether_runtime* Put(const tether_runtime_config& config,
                      tether_runtime* runtime) {
    tether_runtime* dropped = nullptr;
    if (entries_.size() == kKept) {
      dropped = entries_.front().runtime;
      entries_.erase(entries_.begin());
    }
    entries_.push_back({config, runtime});
    return dropped;
  }

 private:
  // Idle runtimes cost only their parked threads; a few cover the configs
  // a stretch of mutations of one input tends to use.
  static constexpr size_t kKept = 6;

  struct Entry {
    tether_runtime_config config;
    tether_runtime* runtime;
  };

  static bool SameConfig(const tether_runtime_config& a,
                         const tether_runtime_config& b) {
    return a.struct_size == b.struct_size && a.lanes == b.lanes &&
           a.pin_lanes == b.pin_lanes && a.deliver == b.deliver &&
           a.max_calls_in_flight == b.max_calls_in_flight &&
           a.max_bytes_in_flight == b.max_bytes_in_flight &&
           a.max_payload_bytes == b.max_payload_bytes &&
           a.spin_ns == b.spin_ns && a.library_data == b.library_data &&
           a.growth_threshold == b.growth_threshold &&
           a.leak_check == b.leak_check && a.buffer_debug == b.buffer_debug;
  }

  std::vector<Entry> entries_;
};

}  // namespace tether_fuzz

#endif  // TETHER_TESTS_FUZZ_RUNTIME_CACHE_H
