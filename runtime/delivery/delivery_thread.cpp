#include "delivery/delivery_thread.h"

#include <pthread.h>

#include <new>

#include "base/clock.h"
#include "core/runtime.h"
#include "log/log.h"
#include "log/rate_limit.h"

namespace tether {
namespace {
constexpr std::size_t kBatch = 64;
log::RateLimit g_overflow_lines;
log::RateLimit g_heap_memory_lines;
}  // namespace

DeliveryThread::DeliveryThread(Runtime& runtime, uint32_t producer_id)
    : runtime_(runtime),
      producer_id_(producer_id),
      delivery_consumer_(runtime.queues().delivery),
      deadline_consumer_(runtime.queues().deadlines) {}

DeliveryThread::~DeliveryThread() { stop_and_join(); }

void DeliveryThread::start() {
  thread_ = std::thread([this] { run(); });
}

void DeliveryThread::stop_and_join() {
  if (!thread_.joinable()) return;
  stop_requested_.store(true, std::memory_order_seq_cst);
  loop_.wake();
  thread_.join();
}

void DeliveryThread::run() {
  thread_id_.store(std::this_thread::get_id());
  pthread_setname_np(pthread_self(), "tether-deliver");
  const uint64_t spin_ns = runtime_.options().spin_ns;
  SlotPool::ReturnBatch slot_returns(runtime_.slots());
  for (;;) {
    wake_by_ns_.store(0, std::memory_order_seq_cst);
    std::size_t work = deliver_queued() + take_deadlines();
    uint64_t now = now_ns();
    expire_deadlines(now);
    loop_.run_ready(now);
    if (work != 0) {
      loop_.busy();
      continue;
    }
    if (stop_requested_.load(std::memory_order_acquire)) break;
    loop_.idle(now, spin_ns, [&] {
      slot_returns.flush();  // about to sleep: hand back what it holds
      // Say how long we may sleep, then look once more: a submitter either
      // sees this (and wakes us for an earlier deadline) or we see its entry.
      arm_timer(now);
      wake_by_ns_.store(deadlines_.empty() ? UINT64_MAX : timer_armed_for_,
                        std::memory_order_seq_cst);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      return !queues_look_empty() ||
             stop_requested_.load(std::memory_order_seq_cst);
    });
  }
  // Lanes are joined before this thread is asked to stop: nothing more
  // arrives, so one last pass delivers everything.
  while (deliver_queued() != 0) {
  }
  loop_.close();
  // glibc gives a joined thread's id to the next thread it creates: forget
  // ours while this thread still exists, so that thread is not taken for
  // this one.
  thread_id_.store(std::thread::id{});
}

void DeliveryThread::hand_over(moodycamel::ProducerToken* token, Slot* slot,
                               fault::Point point) {
  if (token != nullptr && token->valid() && !fault::fires(point) &&
      runtime_.queues().delivery.enqueue(*token, slot)) {
    return;
  }
  TETHER_LOG_LIMITED(
      g_overflow_lines, TETHER_LOG_WARN,
      "out of memory growing the delivery queue: call %llu is delivered "
      "through its request slot's own link instead",
      static_cast<unsigned long long>(runtime_.slots().ticket_of(
          slot_word::generation(slot->word.load(std::memory_order_relaxed)),
          *slot)));
  Slot* head = overflow_.load(std::memory_order_relaxed);
  do {
    slot->overflow_next = head;
  } while (!overflow_.compare_exchange_weak(
      head, slot, std::memory_order_seq_cst, std::memory_order_relaxed));
}

std::size_t DeliveryThread::deliver_queued() {
  Slot* batch[Runtime::kDeliverBatch];
  std::size_t total = 0;
  std::size_t n;
  // Each link is read before its slot is delivered (and may be recycled).
  for (Slot* list = overflow_.exchange(nullptr, std::memory_order_acquire);
       list != nullptr; total += n) {
    for (n = 0; list != nullptr && n < Runtime::kDeliverBatch; ++n) {
      batch[n] = list;
      list = list->overflow_next;
    }
    runtime_.deliver(batch, n, counters_, producer_id_);
  }
  while ((n = runtime_.queues().delivery.try_dequeue_bulk(
              delivery_consumer_, batch, Runtime::kDeliverBatch)) != 0) {
    runtime_.deliver(batch, n, counters_, producer_id_);
    total += n;
  }
  return total;
}

std::size_t DeliveryThread::take_deadlines() {
  DeadlineEntry batch[kBatch];
  std::size_t total = 0;
  std::size_t n;
  while ((n = runtime_.queues().deadlines.try_dequeue_bulk(
              deadline_consumer_, batch, kBatch)) != 0) {
    for (std::size_t i = 0; i < n; ++i) arm_or_end(batch[i]);
    total += n;
  }
  // Entries of calls that finished early linger until their deadline; keep
  // the heap bounded by the number of slots.
  if (deadlines_.size() > 2 * std::size_t{runtime_.slots().capacity()} + 64) {
    purge_finished_deadlines();
  }
  return total;
}

void DeliveryThread::arm_or_end(const DeadlineEntry& entry) {
  try {
    fault::throw_if_fires(fault::Point::kDeadlineHeap);
    deadlines_.push(entry);
    return;
  } catch (const std::bad_alloc&) {
  }
  // Left unarmed, the call would run without its deadline (and one the
  // library never answers would be held until shutdown): end it now, as
  // submit does when it cannot queue the entry.
  TETHER_LOG_LIMITED(g_heap_memory_lines, TETHER_LOG_ERROR,
                     "out of memory arming call %llu's deadline; it ends "
                     "with TETHER_E_NO_MEMORY",
                     static_cast<unsigned long long>(entry.ticket));
  end_call(entry.ticket, TETHER_E_NO_MEMORY);
}

void DeliveryThread::end_call(uint64_t ticket_value, tether_status status) {
  Slot* slot = runtime_.slots().find(ticket_value);
  if (runtime_.claim(slot, ticket::generation(ticket_value), status) ==
      Runtime::Claim::kWon) {
    runtime_.deliver(&slot, 1, counters_, producer_id_);
  }
}

void DeliveryThread::expire_deadlines(uint64_t now) {
  while (!deadlines_.empty() && deadlines_.top().deadline_ns <= now) {
    const uint64_t ticket_value = deadlines_.top().ticket;
    deadlines_.pop();
    end_call(ticket_value, TETHER_E_DEADLINE);
  }
}

void DeliveryThread::arm_timer(uint64_t now) {
  if (deadlines_.empty()) return;
  uint64_t next = deadlines_.top().deadline_ns;
  if (next >= timer_armed_for_) return;
  timer_armed_for_ = next;
  loop_.schedule(next > now ? next - now : 0, [this, next](bool) {
    // Firing only ends the park; the loop then expires what is due.
    if (timer_armed_for_ == next) timer_armed_for_ = UINT64_MAX;
  });
}

void DeliveryThread::purge_finished_deadlines() {
  // Only the reserve allocates (the heap never shrinks, so pushing back
  // fits); without memory the purge waits for the next pass.
  std::vector<DeadlineEntry> live;
  try {
    live.reserve(runtime_.slots().capacity());
  } catch (const std::bad_alloc&) {
    return;
  }
  while (!deadlines_.empty()) {
    DeadlineEntry entry = deadlines_.top();
    deadlines_.pop();
    Slot* slot = runtime_.slots().find(entry.ticket);
    uint64_t word = slot->word.load(std::memory_order_acquire);
    bool live_call =
        slot_word::generation(word) == ticket::generation(entry.ticket) &&
        !(slot_word::flags(word) & (slot_word::kClaimed | slot_word::kFree));
    if (live_call) live.push_back(entry);
  }
  for (const auto& entry : live) deadlines_.push(entry);
}

bool DeliveryThread::queues_look_empty() const {
  return runtime_.queues().delivery.size_approx() == 0 &&
         runtime_.queues().deadlines.size_approx() == 0 &&
         overflow_.load(std::memory_order_seq_cst) == nullptr;
}

}  // namespace tether
