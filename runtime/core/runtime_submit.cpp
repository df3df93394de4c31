// Submit and cancel: the host side of a call's life. Never blocks.
#include <bitset>
#include <cstdlib>
#include <cstring>

#include "base/alloc_fault.h"
#include "base/clock.h"
#include "base/fault_injection.h"
#include "base/thread_id.h"
#include "buffers/buffer_allocator.h"
#include "completion/completion_queue.h"
#include "core/runtime.h"
#include "delivery/delivery_thread.h"
#include "lanes/lane.h"
#include "log/log.h"
#include "log/rate_limit.h"
#include "tether/buffer.h"

namespace tether {
namespace {

// Lines a busy host could otherwise trigger on every submit: one a second
// each, since the host's log sink runs on the submitting thread.
log::RateLimit g_slots_held_lines;
log::RateLimit g_ports_held_lines;
log::RateLimit g_queue_memory_lines;
log::RateLimit g_closed_lines;
log::RateLimit g_forked_lines;

}  // namespace

Status refused_after_shutdown(const char* function) {
  TETHER_LOG_LIMITED(g_closed_lines, TETHER_LOG_WARN,
                     "%s: the runtime is shut down (TETHER_E_CLOSED)",
                     function);
  return Status::kClosed;
}

Status refused_in_forked_child(const char* function) {
  TETHER_LOG_LIMITED(g_forked_lines, TETHER_LOG_WARN,
                     "%s: the runtime was created before fork(); in this "
                     "child its threads do not exist (TETHER_E_FORKED)",
                     function);
  return Status::kForked;
}

namespace {

uint32_t lane_for_key(uint64_t key, uint32_t lanes) {
  // splitmix64's finaliser: neighbouring keys spread over the lanes.
  key ^= key >> 30;
  key *= 0xBF58476D1CE4E5B9ULL;
  key ^= key >> 27;
  key *= 0x94D049BB133111EBULL;
  key ^= key >> 31;
  return static_cast<uint32_t>(key % lanes);
}

}  // namespace

Status Runtime::validate(const tether_call& call, std::size_t* bytes) const {
  if ((call.flags & ~TETHER_CALL_MOVE_PAYLOAD) != 0) {
    TETHER_LOG_WARNING("submit: unknown flags 0x%x", call.flags);
    return Status::kInvalidArg;
  }
  if (call.payload == nullptr && call.payload_len != 0) {
    TETHER_LOG_WARNING("submit: payload is NULL but payload_len is %zu",
                       call.payload_len);
    return Status::kInvalidArg;
  }
  if (call.payload_len > options_.max_payload_bytes) {
    TETHER_LOG_WARNING(
        "submit: payload of %zu bytes is over the %llu-byte limit",
        call.payload_len,
        static_cast<unsigned long long>(options_.max_payload_bytes));
    return Status::kTooLarge;
  }
  if ((call.flags & TETHER_CALL_MOVE_PAYLOAD) != 0 && call.payload != nullptr) {
    std::size_t size = 0;
    if (buffers::size_of(call.payload, &size) != Status::kOk) {
      TETHER_LOG_WARNING(
          "submit: a moved payload must be a live tether buffer (%p is not)",
          call.payload);
      return Status::kInvalidArg;
    }
    if (size < call.payload_len) {
      TETHER_LOG_WARNING(
          "submit: payload_len %zu exceeds the moved buffer's %zu",
          call.payload_len, size);
      return Status::kInvalidArg;
    }
  }
  *bytes = call.payload_len;
  return Status::kOk;
}

static_assert(TETHER_BUF_MAX_SIZE <= UINT32_MAX,
              "a payload's length fits the slot's 32 bits");

Status Runtime::fill_slot(Slot* slot, const tether_call& call,
                          const CompletionTarget& target, uint64_t now) {
  // Every request field is written: a released slot keeps its last call's.
  slot->method = call.method;
  slot->key = call.key;
  slot->lane = call.key == TETHER_KEY_ANY
                   ? kNoLane
                   : lane_for_key(call.key, options_.lanes);
  slot->target = target;
  slot->ran_on_lane.store(kNoLane, std::memory_order_relaxed);
  // validate() kept it within max_payload_bytes, at most 2^30.
  slot->payload_len = static_cast<uint32_t>(call.payload_len);
  slot->submitter_thread = this_thread_id();
  slot->payload = nullptr;
  slot->payload_buffer = nullptr;
  slot->payload_heap = nullptr;
  if (call.payload_len == 0) {
    if ((call.flags & TETHER_CALL_MOVE_PAYLOAD) != 0 &&
        call.payload != nullptr) {
      slot->payload_buffer = const_cast<void*>(call.payload);
    }
  } else if ((call.flags & TETHER_CALL_MOVE_PAYLOAD) != 0) {
    slot->payload_buffer = const_cast<void*>(call.payload);
    slot->payload = call.payload;
  } else if (call.payload_len <= kInlinePayload) {
    std::memcpy(slot->inline_payload, call.payload, call.payload_len);
    slot->payload = slot->inline_payload;
  } else {
    void* copy = alloc_fault::malloc(call.payload_len);
    if (copy == nullptr) return Status::kNoMemory;
    std::memcpy(copy, call.payload, call.payload_len);
    slot->payload_heap = copy;
    slot->payload = copy;
  }
  slot->submit_ns = now;
  slot->deadline_ns = call.timeout_ns == 0 ? 0
                      : call.timeout_ns > UINT64_MAX - now
                          ? UINT64_MAX
                          : now + call.timeout_ns;
  return Status::kOk;
}

Status Runtime::check(const tether_call& call, const CompletionTarget& target,
                      std::size_t* bytes) const {
  Status status = validate(call, bytes);
  if (status != Status::kOk) return status;
  if (closed()) return refused_after_shutdown("submit");
  if (target.cq != nullptr && target.cq->runtime_id() != id_) {
    TETHER_LOG_WARNING(
        "submit: the completion queue belongs to another runtime");
    return Status::kInvalidArg;
  }
  return Status::kOk;
}

Status Runtime::reserve(const tether_call& call, std::size_t bytes,
                        const CompletionTarget& target, uint64_t now,
                        Slot** slot_out) {
  auto busy = [&](bool call_credit_taken) {
    if (call_credit_taken) calls_.give_back();
    if (bytes != 0)
      bytes_in_flight_.fetch_sub(bytes, std::memory_order_relaxed);
    rejected_busy_.fetch_add(1, std::memory_order_relaxed);
    return Status::kBusy;
  };
  // Credits: bytes, then calls. Both come back when the completion is
  // delivered, whatever the library still holds.
  if (bytes != 0 &&
      bytes_in_flight_.fetch_add(bytes, std::memory_order_relaxed) + bytes >
          options_.max_bytes_in_flight) {
    return busy(false);
  }
  const int64_t calls = calls_.take();
  if (calls == 0) return busy(false);
  in_flight_watch_.observe(static_cast<uint64_t>(calls));
  // Slots outnumber credits two to one: the spare ones are for requests a
  // library still holds after their calls ended (it never replied). Each
  // lane and the delivery thread may also hold a return batch's worth.
  Slot* slot = slots_.acquire();
  if (slot == nullptr) {
    TETHER_LOG_LIMITED(
        g_slots_held_lines, TETHER_LOG_WARN,
        "submit: every request slot is held: library '%s' keeps requests "
        "whose calls ended without ever replying to them",
        library_.name.c_str());
    return busy(true);
  }
  Status status = fill_slot(slot, call, target, now);
  if (status != Status::kOk) {
    unreserve(slot);  // the queue reference stays the caller's
    return status;
  }
  *slot_out = slot;
  return Status::kOk;
}

void Runtime::unreserve(Slot* slot) {
  // The slot owns nothing the caller does not still own (a moved payload
  // stays the caller's), and nobody has seen its ticket.
  const std::size_t bytes = slot->payload_len;
  slot->payload_buffer = nullptr;
  std::free(slot->payload_heap);
  slot->payload_heap = nullptr;
  slots_.release(slot);
  calls_.give_back();
  if (bytes != 0) bytes_in_flight_.fetch_sub(bytes, std::memory_order_relaxed);
}

Status Runtime::refuse(Slot* slot, Status why) {
  CompletionQueue* cq = slot->target.cq;
  unreserve(slot);
  if (cq != nullptr) cq->abandon_calls(1);
  return why;
}

Status Runtime::publish(ProducerPort& port, Slot* const* slots,
                        std::size_t count, uint64_t* tickets_out) {
  // From the enqueue on, a lane may run, complete and recycle the slots:
  // what is needed afterwards is read before it.
  const uint32_t lane = slots[0]->lane;
  uint64_t deadlines[kPublishRun];
  uint64_t tickets[kPublishRun];
  bool any_deadline = false;
  for (std::size_t i = 0; i < count; ++i) {
    Slot* slot = slots[i];
    const uint32_t generation =
        slot_word::generation(slot->word.load(std::memory_order_relaxed));
    tickets[i] = slots_.ticket_of(generation, *slot);
    deadlines[i] = slot->deadline_ns;
    any_deadline |= deadlines[i] != 0;
    slot->word.store(slot_word::make(generation, 0, 0),
                     std::memory_order_release);
  }
  RequestQueue& queue = lane == kNoLane ? queues_.shared : *queues_.lanes[lane];
  moodycamel::ProducerToken& token =
      lane == kNoLane ? port.shared_token() : port.lane_token(lane);
  // A bulk enqueue costs more than a single one for one item.
  bool queued = count == 1 ? queue.enqueue(token, slots[0])
                           : queue.enqueue_bulk(token, slots, count);
  if (!queued) {
    TETHER_LOG_LIMITED(g_queue_memory_lines, TETHER_LOG_ERROR,
                       "submit: out of memory growing a request queue");
    for (std::size_t i = 0; i < count; ++i) refuse(slots[i], Status::kNoMemory);
    return Status::kNoMemory;
  }
  bool ended_any = false;
  for (std::size_t i = 0; any_deadline && i < count; ++i) {
    if (deadlines[i] == 0) continue;
    if (!fault::fires(fault::Point::kDeadlineEnqueue) &&
        queues_.deadlines.enqueue(port.deadline_token(),
                                  DeadlineEntry{deadlines[i], tickets[i]})) {
      delivery_->note_deadline(deadlines[i]);
      continue;
    }
    // The call is queued already, so it cannot be refused; left to run
    // without its deadline, a library that never replies would hold it
    // until shutdown. It ends now instead, as a cancel would end it.
    TETHER_LOG_LIMITED(g_queue_memory_lines, TETHER_LOG_ERROR,
                       "submit: out of memory arming call %llu's deadline; "
                       "it ends with TETHER_E_NO_MEMORY",
                       static_cast<unsigned long long>(tickets[i]));
    Slot* slot = slots_.find(tickets[i]);
    if (claim(slot, ticket::generation(tickets[i]), TETHER_E_NO_MEMORY) ==
        Claim::kWon) {
      delivery_->hand_over(&port.delivery_token(), slot,
                           fault::Point::kCancelEnqueue);
      ended_any = true;
    }
  }
  if (ended_any) delivery_->wake_if_parked();
  port.count_submitted(count);
  if (tickets_out != nullptr) {
    std::memcpy(tickets_out, tickets, count * sizeof tickets[0]);
  }
  return Status::kOk;
}

ProducerPort* Runtime::lock_port(ProducerPort* stream_port) {
  ProducerPort* port = stream_port;
  if (port != nullptr) {
    // A stream's port is only ever held by shutdown besides its owner.
    if (!port->try_lock()) return nullptr;
  } else {
    port = ports_.acquire(closed_);
    if (port == nullptr) return nullptr;
  }
  // Shutdown sets closed_ before it locks the ports: holding a port and
  // seeing closed_ unset means shutdown will wait for this enqueue.
  if (closed_.load(std::memory_order_seq_cst)) {
    port->unlock();
    return nullptr;
  }
  return port;
}

Status Runtime::no_port() {
  if (closed()) return refused_after_shutdown("submit or cancel");
  rejected_busy_.fetch_add(1, std::memory_order_relaxed);
  TETHER_LOG_LIMITED(g_ports_held_lines, TETHER_LOG_WARN,
                     "every producer port stayed held by other submitters; "
                     "refused as busy rather than wait");
  return Status::kBusy;
}

Status Runtime::submit(ProducerPort* stream_port, const tether_call& call,
                       const CompletionTarget& target, uint64_t* ticket_out) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  if (forked()) return refused_in_forked_child("submit");
  std::size_t bytes = 0;
  Status status = check(call, target, &bytes);
  if (status != Status::kOk) return status;
  if (target.cq != nullptr) {
    status = target.cq->begin_calls(1);
    if (status != Status::kOk) return status;
  }
  Slot* slot = nullptr;
  status = reserve(call, bytes, target, now_ns(), &slot);
  if (status != Status::kOk) {
    if (target.cq != nullptr) target.cq->abandon_calls(1);
    return status;
  }
  ProducerPort* port = lock_port(stream_port);
  if (port == nullptr) return refuse(slot, no_port());
  const uint32_t lane = slot->lane;  // the slot is the lane's once published
  status = publish(*port, &slot, 1, ticket_out);
  port->unlock();
  if (status == Status::kOk) wake_lane_for(lane);
  return status;
}

void Runtime::wake_lane_for(uint32_t lane) {
  if (lane != kNoLane) {
    lanes_[lane]->wake_if_parked();
    return;
  }
  // Shared queue: a lane spinning idle will take the call within a pass,
  // so nothing is woken; else wake one parked lane, if any (busy lanes
  // will see it when they finish). Waking a second lane while one spins
  // would put two lanes on the cores for one call, and on a machine with
  // few cores take one from the caller.
  const uint32_t count = options_.lanes;
  if (count == 1) {
    lanes_[0]->wake_if_parked();
    return;
  }
  // Orders the enqueue before the loads below, against the lane's fenced
  // park announcement: a lane read as spinning sees the call before it
  // parks (event_loop.h, idle()).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  // Where to start looking is only a hint that spreads wake-ups over the
  // lanes: a plain store, written only when a lane is woken, so submitters
  // that find every lane busy write nothing shared.
  const uint32_t start = next_shared_wake_.load(std::memory_order_relaxed);
  Lane* parked = nullptr;
  uint32_t parked_at = 0;
  for (uint32_t i = 0; i < count; ++i) {
    Lane& candidate = *lanes_[(start + i) % count];
    if (candidate.spinning()) return;
    if (parked == nullptr && candidate.parked()) {
      parked = &candidate;
      parked_at = i;
    }
  }
  if (parked != nullptr) {
    next_shared_wake_.store(start + parked_at + 1, std::memory_order_relaxed);
    parked->wake_if_parked();
  }
}

Status Runtime::submit_batch(const tether_call* calls, std::size_t count,
                             tether_callback_fn callback, CompletionQueue* cq,
                             const uint64_t* user_data, uint64_t* tickets_out,
                             std::size_t* submitted) {
  *submitted = 0;
  if (forked()) return refused_in_forked_child("submit_batch");
  const std::size_t stride = calls->struct_size;
  const auto* base = reinterpret_cast<const unsigned char*>(calls);
  auto call_at = [&](std::size_t i) -> const tether_call& {
    return *reinterpret_cast<const tether_call*>(base + i * stride);
  };
  // Every call is checked before any is accepted, so a malformed one fails
  // the batch with nothing accepted; only credits (BUSY) and memory can
  // stop a batch part-way.
  for (std::size_t i = 0; i < count; ++i) {
    const tether_call& call = call_at(i);
    if (call.struct_size != stride) {
      TETHER_LOG_WARNING(
          "submit_batch: call %zu has struct_size %zu, not %zu; nothing "
          "accepted",
          i, call.struct_size, stride);
      return Status::kInvalidArg;
    }
    std::size_t bytes = 0;
    Status valid = validate(call, &bytes);
    if (valid != Status::kOk) {
      TETHER_LOG_WARNING("submit_batch: call %zu is refused; nothing accepted",
                         i);
      return valid;
    }
  }
  if (cq != nullptr && cq->runtime_id() != id_) {
    TETHER_LOG_WARNING(
        "submit_batch: the completion queue belongs to another runtime");
    return Status::kInvalidArg;
  }
  // One port, one clock reading and one completion queue reference count
  // update for the whole batch; consecutive calls for the same queue are
  // enqueued together, and each touched lane is woken once at the end: the
  // batch pays for synchronisation once, not per call.
  ProducerPort* port = lock_port(nullptr);
  if (port == nullptr) return no_port();
  const uint64_t now = now_ns();
  std::bitset<kMaxLanes + 1> to_wake;  // lane indices; lanes: the shared one
  uint64_t cq_calls_held = 0;          // begun on `cq`, not yet given to a call
  Slot* run[kPublishRun];
  std::size_t run_length = 0;
  auto publish_run = [&] {
    if (run_length == 0) return Status::kOk;
    const uint32_t lane = run[0]->lane;
    Status published =
        publish(*port, run, run_length,
                tickets_out != nullptr ? tickets_out + *submitted : nullptr);
    if (published == Status::kOk) {
      to_wake.set(lane == kNoLane ? options_.lanes : lane);
      *submitted += run_length;
    }
    run_length = 0;
    return published;
  };
  Status status = Status::kOk;
  for (std::size_t i = 0; i < count; ++i) {
    const tether_call& call = call_at(i);
    const CompletionTarget target{callback, cq, user_data[i]};
    const std::size_t bytes = call.payload_len;  // validated above
    if (cq != nullptr && cq_calls_held == 0) {
      status = cq->begin_calls(count - i);
      if (status != Status::kOk) break;
      cq_calls_held = count - i;
    }
    Slot* slot = nullptr;
    status = reserve(call, bytes, target, now, &slot);
    if (status != Status::kOk) break;
    if (cq != nullptr) --cq_calls_held;  // the call holds it now
    if (run_length == kPublishRun ||
        (run_length != 0 && run[0]->lane != slot->lane)) {
      status = publish_run();
      if (status != Status::kOk) {
        refuse(slot, status);
        break;
      }
    }
    run[run_length++] = slot;
  }
  if (status == Status::kOk) {
    status = publish_run();
  } else if (run_length != 0) {
    // The call that failed ends the batch; those before it still go.
    Status published = publish_run();
    if (published != Status::kOk) status = published;
  }
  port->unlock();
  if (cq_calls_held != 0) cq->abandon_calls(cq_calls_held);
  for (uint32_t lane = 0; lane <= options_.lanes; ++lane) {
    if (to_wake.test(lane)) {
      wake_lane_for(lane == options_.lanes ? kNoLane : lane);
    }
  }
  return status;
}

Status Runtime::cancel(uint64_t ticket_value) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  if (forked()) return refused_in_forked_child("cancel");
  // Holding a port keeps shutdown from stopping the delivery thread before
  // the cancelled completion is queued for it.
  ProducerPort* port = ports_.acquire(closed_);
  if (port == nullptr) return no_port();
  Status result = Status::kOk;
  Slot* slot = ticket_value == 0 ? nullptr : slots_.find(ticket_value);
  switch (claim(slot, ticket::generation(ticket_value), TETHER_E_CANCELLED)) {
    case Claim::kWon:
      delivery_->hand_over(&port->delivery_token(), slot,
                           fault::Point::kCancelEnqueue);
      break;
    case Claim::kAlreadyClaimed:
      result = Status::kAlreadyCompleted;
      break;
    case Claim::kStale:
      TETHER_LOG_WARNING("cancel: ticket %llu names no live call",
                         static_cast<unsigned long long>(ticket_value));
      result = Status::kStaleTicket;
      break;
  }
  port->unlock();
  if (result == Status::kOk) delivery_->wake_if_parked();
  return result;
}

}  // namespace tether
