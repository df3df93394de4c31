// The runtime: one library served on lanes tether owns.
//
// It owns the request slots (the calls-in-flight credit), the queues and
// their producer ports, the lanes and the delivery thread. Every call ends
// exactly once through the slot word (slots/slot.h); this class holds the
// transitions that touch more than one part: submit, reply, cancel,
// delivery, recycling and shutdown.
//
// Lifetime: held by shared_ptr; the host's handle and each stream hold one
// reference, so a stream outliving its runtime handle stays safe. Threads
// are joined by shutdown(), which the handle's destruction runs.
//
// Thread safety: everything public is thread-safe unless marked "lane
// thread" or "delivery thread".
#ifndef TETHER_RUNTIME_CORE_RUNTIME_H_
#define TETHER_RUNTIME_CORE_RUNTIME_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/call_credits.h"
#include "core/counters.h"
#include "core/library_loader.h"
#include "queues/producer_port.h"
#include "recorder/recorder.h"
#include "slots/slot_pool.h"
#include "tether/call.h"
#include "tether/runtime.h"
#include "tether/stats.h"
#include "watch/growth_watch.h"

namespace tether {

class CompletionQueue;
class DeliveryThread;

// TETHER_E_CLOSED for a call made after shutdown, with a warning naming
// `function` (at most one a second: a host draining its threads may
// refuse many).
Status refused_after_shutdown(const char* function);
// TETHER_E_FORKED for a call on a runtime from before fork(), with a
// warning naming `function` (at most one a second).
Status refused_in_forked_child(const char* function);
class Lane;

inline constexpr uint32_t kMaxLanes = 256;
// Each call credit costs two request slots, allocated at open.
inline constexpr uint32_t kMaxCallsInFlight = uint32_t{1} << 20;
static_assert(uint64_t{kMaxCallsInFlight} * 2 +
                      uint64_t{SlotPool::kReturnBatch} * (kMaxLanes + 1) <=
                  ticket::kMaxSlots,
              "every slot index fits in a ticket");

struct RuntimeOptions {
  uint32_t lanes = 1;
  bool pin_lanes = false;
  bool deliver_on_lane = true;
  uint32_t max_calls_in_flight = 16384;
  uint64_t max_bytes_in_flight = uint64_t{256} << 20;
  uint64_t max_payload_bytes = uint64_t{64} << 20;
  uint64_t spin_ns = 20'000;
  void* library_data = nullptr;
  uint64_t growth_threshold = 4096;
  int32_t leak_check = TETHER_LEAK_CHECK_LOG;
  // Switch tether buffers (process-wide) to debug mode at open, unless
  // TETHER_BUFFERS says otherwise.
  bool buffer_debug = false;
  // The boundary recorder, before TETHER_RECORDER and TETHER_CAPTURE_DIR.
  recorder::Settings recorder;

  // Values the call credits bound (calls in flight, a lane's queue depth)
  // are only worth a line once they reach those credits: below them, a
  // pipelining host is doing nothing wrong.
  uint64_t credit_bounded_threshold() const {
    return growth_threshold == UINT64_MAX
               ? UINT64_MAX
               : std::max<uint64_t>(growth_threshold, max_calls_in_flight);
  }
};

class Runtime : public std::enable_shared_from_this<Runtime> {
 public:
  // Starts the delivery thread and the lanes, running lane_start on each.
  // On failure, *error says why and nothing is left running.
  static Status open(LoadedLibrary library, const RuntimeOptions& options,
                     std::shared_ptr<Runtime>* out, std::string* error);

  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // --- host side ----------------------------------------------------------
  // `port` is a stream's own port, or nullptr to borrow a pooled one.
  Status submit(ProducerPort* port, const tether_call& call,
                const CompletionTarget& target, uint64_t* ticket_out);
  // Accepts calls in order until one is refused; *submitted says how many.
  Status submit_batch(const tether_call* calls, std::size_t count,
                      tether_callback_fn callback, CompletionQueue* cq,
                      const uint64_t* user_data, uint64_t* tickets_out,
                      std::size_t* submitted);
  Status cancel(uint64_t ticket_value);
  Status shutdown(int32_t mode, uint64_t timeout_ns);
  void stats(tether_stats* out) const;
  // REQUIRES: lane < lane_count().
  void lane_stats(uint32_t lane, tether_lane_stats* out) const;
  // Shared with this runtime's completion queues: a completion waiting in
  // one keeps its credits until the host takes it (core/call_credits.h).
  const std::shared_ptr<CallLedger>& ledger() const { return ledger_; }

  ProducerPort* open_stream_port() { return ports_.open_stream_port(); }
  void close_stream_port(ProducerPort* port) noexcept {
    ports_.close_stream_port(port);
  }

  uint32_t lane_count() const { return options_.lanes; }
  uint64_t id() const { return id_; }
  bool forked() const;
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  // True on this runtime's lanes and delivery thread (and so inside its
  // callbacks): where waiting for those threads would deadlock.
  bool on_own_thread() const;

  // --- lane side ----------------------------------------------------------
  // The library's reply (result set) or error (is_error). Lane thread.
  Status reply(Lane& lane, uint64_t request, void* result, std::size_t length,
               bool is_error, int32_t code, const char* message);
  // A reply after the call's deadline: the deadline wins. Lane thread.
  Status reply_past_deadline(Lane& lane, Slot* slot, uint64_t request,
                             void* result);
  // Whether a request has ended. Lane thread.
  bool has_ended(Lane& lane, uint64_t request);

  // --- shared by lanes and the delivery thread ----------------------------
  // Most slots one deliver() takes.
  static constexpr std::size_t kDeliverBatch = 32;
  // Lets go of each slot and gives its credits back, then runs the
  // callbacks and pushes to the completion queues, in order (neighbours for
  // the same queue in one push). `producer` names the calling thread for
  // completion queues: lane index, or lane_count() for the delivery thread.
  // REQUIRES: count <= kDeliverBatch; every slot claimed, not yet delivered.
  void deliver(Slot* const* slots, std::size_t count,
               CompletionCounters& counters, uint32_t producer);
  // Claims a live call for `outcome` (cancel, deadline, shutdown).
  enum class Claim { kWon, kAlreadyClaimed, kStale };
  Claim claim(Slot* slot, uint32_t generation, tether_status outcome);
  // Lets go of the slot as one holder (sets its flag); the last holder
  // recycles the slot, without setting its flag when the other two are set.
  void let_go(Slot* slot, uint16_t holder_flag);

  // Lane thread: wakes a parked lane for shared calls still queued behind
  // the one this lane just took (Lane::drain_shared).
  void wake_lane_for_shared() { wake_lane_for(kNoLane); }

  const LoadedLibrary& library() const { return library_; }
  const RuntimeOptions& options() const { return options_; }
  QueueSet& queues() { return queues_; }
  SlotPool& slots() { return slots_; }
  DeliveryThread& delivery() { return *delivery_; }
  recorder::Recorder& recorder() { return recorder_; }
  const recorder::Recorder& recorder() const { return recorder_; }

 private:
  Runtime(LoadedLibrary library, const RuntimeOptions& options);
  Status start(std::string* error);
  Status validate(const tether_call& call, std::size_t* bytes) const;
  // Everything about a call that can be checked without taking anything:
  // its fields (*bytes: its payload credit), intake, the queue's runtime.
  Status check(const tether_call& call, const CompletionTarget& target,
               std::size_t* bytes) const;
  // Takes a checked call's credits and fills a slot (not yet visible).
  // REQUIRES: the caller holds the call's completion queue reference (if
  // any); it stays the caller's when this fails.
  Status reserve(const tether_call& call, std::size_t bytes,
                 const CompletionTarget& target, uint64_t now, Slot** slot_out);
  // Gives back a reserved slot nobody has seen and its credits.
  void unreserve(Slot* slot);
  // unreserve(), and gives back the call's completion queue reference.
  Status refuse(Slot* slot, Status why);
  // A locked producer port, or nullptr once intake is closed or when every
  // port stayed held (PortPool::acquire).
  ProducerPort* lock_port(ProducerPort* stream_port);
  // Why lock_port() gave nullptr: kClosed, or kBusy (counted and logged).
  Status no_port();
  // Most slots one publish() takes.
  static constexpr std::size_t kPublishRun = 32;
  // Makes reserved slots, all bound for one queue (same slot->lane), visible
  // to the lanes, in order. On failure each is refused. REQUIRES: port
  // locked, 1 <= count <= kPublishRun.
  Status publish(ProducerPort& port, Slot* const* slots, std::size_t count,
                 uint64_t* tickets_out);
  Status fill_slot(Slot* slot, const tether_call& call,
                   const CompletionTarget& target, uint64_t now);
  // Builds a claimed slot's completion, says where it goes (a callback, or
  // the queue when that is null) and lets go of the slot; returns the
  // payload bytes to credit back.
  std::size_t complete(Slot* slot, uint64_t delivered_ns,
                       CompletionCounters& counters,
                       tether_completion* completion,
                       tether_callback_fn* callback, CompletionQueue** cq);
  // `lane` is a lane index, or kNoLane for the shared queue.
  void wake_lane_for(uint32_t lane);
  void recycle(Slot* slot);
  void claim_all_pending_as_closed();
  // Waits until every call has its outcome, or the timeout passes.
  void wait_until_decided(uint64_t timeout_ns);
  bool all_calls_decided() const;
  void stop_threads();

  const uint64_t id_;
  const uint64_t fork_epoch_;
  LoadedLibrary library_;
  RuntimeOptions options_;

  QueueSet queues_;
  SlotPool slots_;
  PortPool ports_;  // after queues_: its tokens die before the queues
  recorder::Recorder recorder_;  // before the lanes, which write into it
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::unique_ptr<DeliveryThread> delivery_;

  alignas(kCacheLine) std::atomic<bool> closed_{false};
  // Held by shared_ptr for the completion queues; the runtime's own uses
  // go through `calls_`/`bytes_in_flight_`, references into it.
  const std::shared_ptr<CallLedger> ledger_;
  CallCredits& calls_;
  std::atomic<uint64_t>& bytes_in_flight_;
  GrowthWatch in_flight_watch_;
  alignas(kCacheLine) std::atomic<uint64_t> rejected_busy_{0};
  std::atomic<uint64_t> late_replies_{0};
  std::atomic<uint32_t> next_shared_wake_{0};

  std::mutex shutdown_mutex_;
  // Written under shutdown_mutex_; read without it to answer a repeated
  // shutdown at once.
  std::atomic<bool> shut_down_{false};
};

}  // namespace tether

#endif  // TETHER_RUNTIME_CORE_RUNTIME_H_
