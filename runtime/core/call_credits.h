// Call credits: at most `limit` calls in flight (accepted, and not yet
// handed to the host: see CallLedger below).
//
// One counter that submitters increment and deliverers decrement moves its
// cache line between the submitting core and the delivering core twice per
// call. So the count is split by writer: submitters add to `taken_`,
// deliverers to `returned_`, each on its own line, and in flight is their
// difference. A submitter compares against a cached copy of `returned_`
// (`returned_seen_`, written only when refreshed): the copy can only lag,
// which overstates what is in flight, so the check stays safe. The real
// line is read only when the cached view passes half the limit, so a value
// take() returns above half the limit carries no cache lag (racing
// submitters about to be refused may still overstate it by their number,
// as they did one shared counter). A lone submitter and a lone lane then
// each write only lines they own, and a pipeline reads the deliverers' line
// about once per half-limit of calls.
//
// A submitter's `taken` is its own increment's result, but the returned
// count it reads may already include calls taken after it and delivered:
// the difference can then fall to zero or below, though this call is in
// flight. take() reports such a call as one in flight.
//
// Thread safety: thread-safe; take()/give_back() from submitters,
// return_some() from deliverers, in_flight() from anyone.
#ifndef TETHER_RUNTIME_CORE_CALL_CREDITS_H_
#define TETHER_RUNTIME_CORE_CALL_CREDITS_H_

#include <atomic>
#include <cstdint>

#include "base/cpu.h"

namespace tether {

class CallCredits {
 public:
  explicit CallCredits(int64_t limit)
      : limit_(limit), refresh_above_(limit / 2) {}
  CallCredits(const CallCredits&) = delete;
  CallCredits& operator=(const CallCredits&) = delete;

  // Takes one credit and returns the calls in flight including it (at
  // least 1), or 0 when none is left (nothing is taken then).
  int64_t take() {
    const int64_t taken = taken_.fetch_add(1, std::memory_order_relaxed) + 1;
    int64_t returned = returned_seen_.load(std::memory_order_relaxed);
    if (taken - returned > refresh_above_) {
      returned = refresh_returned();
      if (taken - returned > limit_) {
        taken_.fetch_sub(1, std::memory_order_relaxed);
        return 0;
      }
    }
    return taken - returned > 0 ? taken - returned : 1;
  }

  // A taken credit whose call was refused before it was published.
  void give_back() { taken_.fetch_sub(1, std::memory_order_relaxed); }

  // `count` calls were delivered. Release: whoever sees the count drop sees
  // everything the deliverer did before.
  void return_some(int64_t count) {
    returned_.fetch_add(count, std::memory_order_release);
  }

  // Calls in flight now; never understated (returned_ is read first).
  int64_t in_flight() const {
    const int64_t returned = returned_.load(std::memory_order_acquire);
    return taken_.load(std::memory_order_acquire) - returned;
  }

 private:
  int64_t refresh_returned() {
    const int64_t returned = returned_.load(std::memory_order_acquire);
    int64_t seen = returned_seen_.load(std::memory_order_relaxed);
    // Submitters refresh concurrently: keep the newest value.
    while (seen < returned && !returned_seen_.compare_exchange_weak(
                                  seen, returned, std::memory_order_relaxed)) {
    }
    return returned;
  }

  const int64_t limit_;
  const int64_t refresh_above_;
  alignas(kCacheLine) std::atomic<int64_t> taken_{0};
  alignas(kCacheLine) std::atomic<int64_t> returned_seen_{0};
  alignas(kCacheLine) std::atomic<int64_t> returned_{0};
};

// What a runtime's calls hold until the host has their completions: a call
// credit and the payload's bytes. A completion for a callback gives both
// back just before its callback runs; one for a completion queue keeps them
// while it waits there and gives them back when the host takes it (or the
// queue is destroyed), so a host that stops polling meets TETHER_E_BUSY at
// the limit instead of a queue that grows without bound. Completion queues
// may outlive their runtime, so the runtime and each of its queues share
// the ledger.
//
// Thread safety: thread-safe.
struct CallLedger {
  explicit CallLedger(int64_t call_limit) : calls(call_limit) {}
  CallLedger(const CallLedger&) = delete;
  CallLedger& operator=(const CallLedger&) = delete;

  // `count` calls whose payloads held `bytes` reached the host.
  void give_back(int64_t count, uint64_t payload_bytes) {
    if (payload_bytes != 0) {
      bytes.fetch_sub(payload_bytes, std::memory_order_relaxed);
    }
    calls.return_some(count);
  }

  CallCredits calls;
  alignas(kCacheLine) std::atomic<uint64_t> bytes{0};  // payload bytes held
  // Completions that left this runtime's queues (taken, or freed unpolled):
  // the queues' backlog is what was pushed minus this.
  alignas(kCacheLine) std::atomic<uint64_t> cq_taken{0};
};

}  // namespace tether

#endif  // TETHER_RUNTIME_CORE_CALL_CREDITS_H_
