// The end of a call's life: the library's reply, the claim that decides the
// outcome, delivery to the host, and recycling the slot.
#include <cstring>
#include <exception>

#include "base/clock.h"
#include "base/fault_injection.h"
#include "buffers/buffer_allocator.h"
#include "completion/completion_queue.h"
#include "core/runtime.h"
#include "lanes/lane.h"
#include "log/log.h"
#include "tether/buffer.h"

namespace tether {

static_assert(TETHER_BUF_MAX_SIZE <= UINT32_MAX,
              "a queued completion carries its payload bytes in 32 bits");

namespace {

const char* outcome_message(tether_status status) {
  switch (status) {
    case TETHER_E_CANCELLED:
      return "cancelled by tether_cancel";
    case TETHER_E_DEADLINE:
      return "deadline exceeded before the library replied";
    case TETHER_E_CLOSED:
      return "runtime shut down before the library replied";
    case TETHER_E_NO_MEMORY:
      return "out of memory arming the call's deadline";
    default:
      return "call ended";
  }
}

// A reply's result must be a live tether buffer (or empty).
const char* result_problem(const void* result, std::size_t length) {
  if (result == nullptr) {
    return length == 0 ? nullptr : "the result is NULL but its length is not 0";
  }
  std::size_t size = 0;
  if (buffers::size_of(result, &size) != Status::kOk) {
    return "the result is not a tether buffer (allocate it with buf_alloc)";
  }
  if (size < length) return "the result length exceeds its buffer";
  return nullptr;
}

}  // namespace

Runtime::Claim Runtime::claim(Slot* slot, uint32_t generation,
                              tether_status outcome) {
  if (slot == nullptr) return Claim::kStale;
  uint64_t word = slot->word.load(std::memory_order_acquire);
  for (;;) {
    uint16_t flags = slot_word::flags(word);
    if (slot_word::generation(word) != generation ||
        (flags & slot_word::kFree) != 0) {
      return Claim::kStale;
    }
    if ((flags & slot_word::kClaimed) != 0) return Claim::kAlreadyClaimed;
    uint64_t claimed =
        slot_word::make(generation, static_cast<uint16_t>(outcome),
                        flags | slot_word::kClaimed);
    if (slot->word.compare_exchange_weak(word, claimed,
                                         std::memory_order_acq_rel,
                                         std::memory_order_acquire)) {
      return Claim::kWon;
    }
  }
}

void Runtime::let_go(Slot* slot, uint16_t holder_flag) {
  uint64_t word = slot->word.load(std::memory_order_acquire);
  if (slot_word::all_holders_done(word | holder_flag)) {
    // The other two holders are done, and nobody else writes a claimed word
    // (a late claim only reads it): the last holder recycles without a
    // locked write. The usual case for a reply delivered on its lane.
    recycle(slot);
    return;
  }
  uint64_t updated;
  do {
    updated = word | holder_flag;
  } while (!slot->word.compare_exchange_weak(
      word, updated, std::memory_order_acq_rel, std::memory_order_relaxed));
  if (slot_word::all_holders_done(updated)) recycle(slot);
}

void Runtime::recycle(Slot* slot) {
  if (slot->payload_buffer != nullptr) buffers::release(slot->payload_buffer);
  std::free(slot->payload_heap);
  slots_.release(slot);
}

Status Runtime::reply(Lane& lane, uint64_t request, void* result,
                      std::size_t length, bool is_error, int32_t code,
                      const char* message) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  Slot* slot = request == 0 ? nullptr : slots_.find(request);
  if (slot == nullptr) {
    TETHER_LOG_WARNING("reply: request %llu was never issued; result freed",
                       static_cast<unsigned long long>(request));
    buffers::release(result);
    return Status::kStaleTicket;
  }
  const uint32_t generation = ticket::generation(request);
  uint64_t word = slot->word.load(std::memory_order_acquire);
  if (slot_word::generation(word) != generation ||
      (slot_word::flags(word) & slot_word::kFree) != 0) {
    TETHER_LOG_DBG("reply: request %llu already ended; result freed",
                   static_cast<unsigned long long>(request));
    late_replies_.fetch_add(1, std::memory_order_relaxed);
    buffers::release(result);
    return Status::kAlreadyCompleted;
  }
  if (slot->ran_on_lane.load(std::memory_order_relaxed) != lane.index()) {
    TETHER_LOG_WARNING(
        "reply: request %llu runs on another lane than %u; "
        "result freed",
        static_cast<unsigned long long>(request), lane.index());
    buffers::release(result);
    return Status::kWrongThread;
  }
  // Only this lane sets kLaneDone, so this read cannot go stale under us.
  if ((slot_word::flags(word) & slot_word::kLaneDone) != 0) {
    TETHER_LOG_WARNING(
        "reply: request %llu was already replied to; result "
        "freed",
        static_cast<unsigned long long>(request));
    late_replies_.fetch_add(1, std::memory_order_relaxed);
    buffers::release(result);
    return Status::kAlreadyCompleted;
  }

  // The delivery thread's timer may be starved of CPU: a reply that comes
  // after the deadline must not win over it.
  if (slot->deadline_ns != 0 && now_ns() >= slot->deadline_ns) {
    return reply_past_deadline(lane, slot, request, result);
  }

  Status returned = Status::kOk;
  if (!is_error) {
    if (const char* problem = result_problem(result, length)) {
      TETHER_LOG_WARNING(
          "reply: request %llu: %s; it completes as a library "
          "error",
          static_cast<unsigned long long>(request), problem);
      if (result != nullptr && buffers::is_live(result))
        buffers::release(result);
      is_error = true;
      code = -1;
      message = problem;
      result = nullptr;
      length = 0;
      returned = Status::kInvalidArg;
    }
  }
  char* error = nullptr;
  std::size_t error_len = 0;
  if (is_error) {
    const char* text = message != nullptr ? message : "library error";
    error_len = std::strlen(text);
    error = buffers::allocate_string(text, error_len);
  }
  // Written before the claim; read by the deliverer only if the claim wins.
  slot->library_code = is_error ? code : 0;
  slot->result = result;
  slot->result_len = length;
  if (is_error) {  // its own line: left alone unless there is an error
    slot->error = error;
    slot->error_len = error != nullptr ? error_len : 0;
  }

  const tether_status outcome = is_error ? TETHER_E_LIBRARY : TETHER_OK;
  bool won = false;
  uint64_t updated;
  for (;;) {
    uint16_t flags = slot_word::flags(word) | slot_word::kLaneDone;
    won = (flags & slot_word::kClaimed) == 0;
    updated = won ? slot_word::make(generation, static_cast<uint16_t>(outcome),
                                    flags | slot_word::kClaimed)
                  : slot_word::make(
                        generation,
                        static_cast<uint16_t>(slot_word::status(word)), flags);
    if (slot->word.compare_exchange_weak(word, updated,
                                         std::memory_order_acq_rel,
                                         std::memory_order_acquire)) {
      break;
    }
  }
  lane.record_outcome(request, slot_word::status(updated),
                      won && is_error ? code : 0);
  if (won) {
    if (options_.deliver_on_lane) {
      lane.defer_delivery(slot);
    } else {
      lane.hand_to_delivery(slot);
    }
    return returned;
  }
  // Cancel, deadline or shutdown came first. The slot may be recycled by
  // another holder from here on: free what this reply made from locals.
  late_replies_.fetch_add(1, std::memory_order_relaxed);
  buffers::release(result);
  buffers::release(error);
  if (slot_word::all_holders_done(updated)) recycle(slot);
  return Status::kAlreadyCompleted;
}

Status Runtime::reply_past_deadline(Lane& lane, Slot* slot, uint64_t request,
                                    void* result) {
  const uint32_t generation = ticket::generation(request);
  uint64_t word = slot->word.load(std::memory_order_acquire);
  uint64_t updated;
  bool won;
  do {
    uint16_t flags = slot_word::flags(word) | slot_word::kLaneDone;
    won = (flags & slot_word::kClaimed) == 0;
    uint16_t status = won ? static_cast<uint16_t>(TETHER_E_DEADLINE)
                          : static_cast<uint16_t>(slot_word::status(word));
    updated = slot_word::make(generation, status,
                              won ? flags | slot_word::kClaimed : flags);
  } while (!slot->word.compare_exchange_weak(
      word, updated, std::memory_order_acq_rel, std::memory_order_acquire));
  lane.record_outcome(request, slot_word::status(updated), 0);
  late_replies_.fetch_add(1, std::memory_order_relaxed);
  TETHER_LOG_DBG("reply: request %llu came after its deadline; result freed",
                 static_cast<unsigned long long>(request));
  buffers::release(result);
  if (won) {
    lane.hand_to_delivery(slot);  // deadline completions run there
  } else if (slot_word::all_holders_done(updated)) {
    recycle(slot);
  }
  return Status::kAlreadyCompleted;
}

bool Runtime::has_ended(Lane& /*lane*/, uint64_t request) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  Slot* slot = request == 0 ? nullptr : slots_.find(request);
  if (slot == nullptr) return true;
  uint64_t word = slot->word.load(std::memory_order_acquire);
  return slot_word::generation(word) != ticket::generation(request) ||
         (slot_word::flags(word) & (slot_word::kFree | slot_word::kClaimed)) !=
             0;
}

std::size_t Runtime::complete(Slot* slot, uint64_t delivered_ns,
                              CompletionCounters& counters,
                              tether_completion* completion,
                              tether_callback_fn* callback,
                              CompletionQueue** cq) {
  const uint64_t word = slot->word.load(std::memory_order_acquire);
  const tether_status status = slot_word::status(word);
  *completion = tether_completion{};
  completion->struct_size = sizeof *completion;
  completion->user_data = slot->target.user_data;
  completion->ticket = slots_.ticket_of(slot_word::generation(word), *slot);
  completion->status = status;
  completion->lane = slot->ran_on_lane.load(std::memory_order_relaxed);
  // Cores' TSCs may differ by a few ticks: never a negative latency.
  completion->latency_ns =
      delivered_ns > slot->submit_ns ? delivered_ns - slot->submit_ns : 0;
  if (status == TETHER_OK) {
    completion->result = slot->result;
    completion->result_len = slot->result_len;
  } else if (status == TETHER_E_LIBRARY) {
    completion->library_code = slot->library_code;
    completion->error = slot->error;
    completion->error_len = slot->error_len;
  } else {
    const char* text = outcome_message(status);
    completion->error_len = std::strlen(text);
    completion->error = buffers::allocate_string(text, completion->error_len);
    if (completion->error == nullptr) completion->error_len = 0;
  }
  *callback = slot->target.callback;
  *cq = slot->target.cq;
  const std::size_t payload_len = slot->payload_len;
  counters.count(status);
  counters.latency.record(completion->latency_ns);
  let_go(slot, slot_word::kDelivered);
  return payload_len;
}

void Runtime::deliver(Slot* const* slots, std::size_t count,
                      CompletionCounters& counters, uint32_t producer) {
  // Left uninitialised: complete() writes each entry used.
  tether_completion completions[kDeliverBatch];
  tether_callback_fn callbacks[kDeliverBatch];
  CompletionQueue* queues[kDeliverBatch];
  const uint64_t delivered_ns = now_ns();
  uint64_t callback_bytes = 0;
  int64_t callback_calls = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t payload_len =
        complete(slots[i], delivered_ns, counters, &completions[i],
                 &callbacks[i], &queues[i]);
    if (callbacks[i] != nullptr) {
      callback_bytes += payload_len;
      ++callback_calls;
    } else {
      // Kept while the completion waits in its queue, given back when the
      // host takes it (payloads are at most TETHER_BUF_MAX_SIZE: 32 bits).
      completions[i].reserved0 = static_cast<uint32_t>(payload_len);
    }
  }
  // Let go first, and give the callbacks' credits back (even if the library
  // still holds the requests): a callback may submit the next call at a
  // limit of one.
  if (callback_calls != 0) ledger_->give_back(callback_calls, callback_bytes);

  for (std::size_t i = 0; i < count;) {
    if (callbacks[i] == nullptr) {
      // Neighbours bound for the same queue go in together.
      CompletionQueue* cq = queues[i];
      std::size_t run = 1;
      while (i + run < count && callbacks[i + run] == nullptr &&
             queues[i + run] == cq) {
        ++run;
      }
      CompletionCounters::bump(counters.pushed_to_queues, run);
      cq->push(producer, &completions[i], run);
      i += run;
      continue;
    }
    try {
      callbacks[i](&completions[i]);
    } catch (const std::exception& e) {
      CompletionCounters::bump(counters.callback_exceptions);
      TETHER_LOG_ERR("a completion callback threw (ticket %llu): %s",
                     static_cast<unsigned long long>(completions[i].ticket),
                     e.what());
    } catch (...) {
      CompletionCounters::bump(counters.callback_exceptions);
      TETHER_LOG_ERR("a completion callback threw (ticket %llu)",
                     static_cast<unsigned long long>(completions[i].ticket));
    }
    ++i;
  }
}

}  // namespace tether
