// Shutdown: stop intake, end every call exactly once, stop the threads.
//
// Order matters:
//   1. closed_ is set, then every producer port is locked: no submit or
//      cancel is half-way through, and later ones see closed_;
//   2. DRAIN waits (up to its timeout) until every call has an outcome;
//   3. every call still undecided is claimed as TETHER_E_CLOSED and queued
//      for the delivery thread;
//   4. lanes stop (delivering their own replies, running lane_stop) and are
//      joined; then the delivery thread delivers what is queued and is
//      joined. After that no callback of this runtime can run;
//   5. requests the library never replied to are let go.
#include <chrono>
#include <thread>

#include "base/clock.h"
#include "base/fault_injection.h"
#include "core/runtime.h"
#include "delivery/delivery_thread.h"
#include "lanes/lane.h"
#include "log/log.h"

namespace tether {

Status Runtime::shutdown(int32_t mode, uint64_t timeout_ns) {
  if (forked()) return refused_in_forked_child("shutdown");
  if (mode != TETHER_SHUTDOWN_DRAIN && mode != TETHER_SHUTDOWN_CANCEL) {
    TETHER_LOG_WARNING("shutdown: unknown mode %d", mode);
    return Status::kInvalidArg;
  }
  // Already shut down: nothing to wait for, whichever thread asks (a
  // finalizer's thread may even have inherited a dead lane's thread id).
  if (shut_down_.load(std::memory_order_acquire)) return Status::kOk;
  if (on_own_thread()) {
    TETHER_LOG_WARNING(
        "shutdown: called on one of the runtime's own threads (a lane, the "
        "delivery thread or a callback); it would wait for itself");
    return Status::kWouldDeadlock;
  }
  std::lock_guard<std::mutex> lock(shutdown_mutex_);
  if (shut_down_.load(std::memory_order_relaxed)) return Status::kOk;

  closed_.store(true, std::memory_order_seq_cst);
  ports_.lock_all_forever();
  if (mode == TETHER_SHUTDOWN_DRAIN) wait_until_decided(timeout_ns);
  claim_all_pending_as_closed();
  stop_threads();
  for (uint32_t i = 0; i < slots_.capacity(); ++i) {
    Slot& slot = slots_.at(i);
    uint16_t flags =
        slot_word::flags(slot.word.load(std::memory_order_acquire));
    if ((flags & slot_word::kFree) == 0 &&
        (flags & slot_word::kLaneDone) == 0) {
      let_go(&slot, slot_word::kLaneDone);
    }
  }
  shut_down_.store(true, std::memory_order_release);
  return Status::kOk;
}

bool Runtime::all_calls_decided() const {
  for (uint32_t i = 0; i < slots_.capacity(); ++i) {
    uint16_t flags =
        slot_word::flags(slots_.at(i).word.load(std::memory_order_acquire));
    if ((flags & (slot_word::kFree | slot_word::kClaimed)) == 0) return false;
  }
  return true;
}

void Runtime::wait_until_decided(uint64_t timeout_ns) {
  // Calls that already have their outcome (a deadline passed, a cancel won)
  // do not hold the drain up, even while the library still holds them.
  const uint64_t start = now_ns();
  const uint64_t deadline =
      timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
  while (calls_.in_flight() > 0 && !all_calls_decided() &&
         now_ns() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void Runtime::claim_all_pending_as_closed() {
  moodycamel::ProducerToken token(queues_.delivery);
  bool queued = false;
  for (uint32_t i = 0; i < slots_.capacity(); ++i) {
    Slot& slot = slots_.at(i);
    uint64_t word = slot.word.load(std::memory_order_acquire);
    uint16_t flags = slot_word::flags(word);
    if ((flags & (slot_word::kFree | slot_word::kClaimed)) != 0) continue;
    if (claim(&slot, slot_word::generation(word), TETHER_E_CLOSED) ==
        Claim::kWon) {
      delivery_->hand_over(&token, &slot, fault::Point::kShutdownCloseOut);
      queued = true;
    }
  }
  if (queued) delivery_->wake_if_parked();
}

}  // namespace tether
