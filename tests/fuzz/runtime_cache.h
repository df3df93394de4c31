// Open runtimes kept between the API fuzzer's sequences. Opening a runtime
// (its lanes and delivery thread) and shutting it down took most of each
// input's time, so a sequence that leaves its runtime open and quiet (every
// call completed and its request released, nothing alive; the harness
// checks all of that first) hands it to the next sequence with the same
// config. A sequence that shuts its runtime down takes a kept one too (or
// opens one) and destroys it.
//
// The one thing a kept runtime carries over: requests a library never
// replied to (kNeverReply, cancelled), which only a shutdown lets go of.
// Each holds one of the runtime's 2 * max_calls_in_flight request slots
// (beyond those slots a pool keeps for its threads' return batches); a
// sequence's calls in flight use at most half of them, and an empty pool
// only makes a submit BUSY. A runtime is kept holding at most a quarter of
// its slots (and at most kMaxHeld), so what it holds matters only to a
// sequence that itself leaves more than a quarter of them held.
#ifndef TETHER_TESTS_FUZZ_RUNTIME_CACHE_H
#define TETHER_TESTS_FUZZ_RUNTIME_CACHE_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tether/runtime.h"

namespace tether_fuzz {

class RuntimeCache {
 public:
  // Most requests a kept runtime may hold (see above).
  static constexpr size_t kMaxHeld = 8;
  static size_t MaxHeld(const tether_runtime_config& config) {
    return config.max_calls_in_flight / 2 < kMaxHeld
               ? config.max_calls_in_flight / 2
               : kMaxHeld;
  }

  // The runtime kept for `config`, now the caller's, and how many requests
  // it holds; or NULL.
  tether_runtime* Take(const tether_runtime_config& config, size_t* held) {
    *held = 0;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (SameConfig(entries_[i].config, config)) {
        tether_runtime* runtime = entries_[i].runtime;
        *held = entries_[i].held;
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

  // Keeps `runtime`, opened with `config` and holding `held` requests;
  // returns the least recently kept
  // one it makes room by dropping (the caller destroys it), or NULL.
  tether_runtime* Put(const tether_runtime_config& config,
                      tether_runtime* runtime, size_t held) {
    tether_runtime* dropped = nullptr;
    if (entries_.size() == kKept) {
      dropped = entries_.front().runtime;
      entries_.erase(entries_.begin());
    }
    entries_.push_back({config, runtime, held});
    return dropped;
  }

 private:
  // Idle runtimes cost only their parked threads; a few cover the configs
  // a stretch of mutations of one input tends to use.
  static constexpr size_t kKept = 6;

  struct Entry {
    tether_runtime_config config;
    tether_runtime* runtime;
    size_t held;
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
