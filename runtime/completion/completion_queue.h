// A completion queue: completions waiting for a host to poll them in
// batches, with an eventfd the host sleeps on.
//
// Signalling: the eventfd is written only when the consumer may be asleep.
// A poll that drains the queue sets `armed_` (then looks once more); the
// next push that finds it set clears it and writes the fd. Both sides put a
// seq_cst fence between their write and their read, so a push is either
// seen by that last look or it writes the fd.
//
// Lifetime: a reference count held by the host's handle and by each call
// that will complete here. destroy() drops the handle's reference; the last
// reference frees whatever completions are still queued. The count is
// shared by the submitting and the delivering thread, so both move it by
// whole batches: a batch's calls are begun with one add, and a lane's
// completions of one drain are pushed and released together.
//
// Thread safety: push from the producers named at creation (one producer id
// per thread); poll by one thread at a time (others get kBusy); the rest
// from any thread.
#ifndef TETHER_RUNTIME_COMPLETION_COMPLETION_QUEUE_H_
#define TETHER_RUNTIME_COMPLETION_COMPLETION_QUEUE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/cpu.h"
#include "base/status.h"
#include "completion/queue_names.h"
#include "core/call_credits.h"
#include "queues/queue_traits.h"
#include "tether/call.h"
#include "watch/growth_watch.h"

namespace tether {

class CompletionQueue {
 public:
  // `producers`: how many producer ids push() will be called with.
  // `ledger` is the runtime's: each completion keeps its call's credits
  // until it leaves the queue (polled, or freed unpolled), and the ledger
  // counts those that left, for the runtime's stats.
  // `growth_threshold` arms the growth watch on the backlog (completions
  // pushed and not yet polled), as in tether_runtime_config.
  static Status create(uint64_t runtime_id, uint32_t producers,
                       std::shared_ptr<CallLedger> ledger,
                       uint64_t growth_threshold, CompletionQueue** out);
  CompletionQueue(const CompletionQueue&) = delete;
  CompletionQueue& operator=(const CompletionQueue&) = delete;

  uint64_t runtime_id() const { return runtime_id_; }
  // "completion queue N of library 'X'" (see queue_names.h): how log lines
  // and the leak report name this queue.
  const std::string& name() const { return name_; }
  int fd() const { return fd_; }
  void reset_fd();

  // `count` (>= 1) calls will complete here: takes a reference for each.
  // kClosed after shutdown() (nothing is taken then).
  Status begin_calls(uint64_t count);
  // Undoes begin_calls() for `count` calls that were not accepted after all.
  void abandon_calls(uint64_t count);
  // The calls' completions: moves them in and drops the calls' references.
  // A call counts as pending until the consumer takes its completion, so a
  // consumer that took the last one sees the queue finished at once. Each
  // completion's `reserved0` carries its call's payload bytes, which the
  // queue gives back to the ledger with the call credit when the completion
  // leaves (and clears before the host sees it).
  void push(uint32_t producer, const tether_completion* completions,
            std::size_t count);

  // When `arm` is false (tether_cq_take), only what is ready is taken: no
  // wait, and the fd is not armed, so the next push writes nothing.
  Status poll(void* out, std::size_t elem_size, std::size_t max,
              uint64_t timeout_ns, std::size_t* count, bool arm = true);

  void shutdown();
  // Shuts down and drops the handle's reference. Cannot fail.
  void destroy() noexcept;

  std::size_t backlog() const { return queue_.size_approx(); }
  // The counter the growth watch reads: completions pushed and not yet
  // taken. Grown before a push becomes visible, so never below zero.
  int64_t backlog_count() const {
    return backlog_.load(std::memory_order_relaxed);
  }

 private:
  CompletionQueue(uint64_t runtime_id, int fd, uint32_t producers,
                  std::shared_ptr<CallLedger> ledger,
                  uint64_t growth_threshold);
  ~CompletionQueue();
  std::size_t take(unsigned char* out, std::size_t elem_size, std::size_t max);
  bool finished() const;
  // `count` pending calls will never be taken again (taken, or discarded).
  void finish_calls(uint64_t count);
  void signal();
  void release(uint64_t count);
  // Completions that leave without reaching the host: frees what they own
  // and gives their credits back.
  void discard(const tether_completion* completions, std::size_t count);
  // `count` completions whose calls' payloads held `payload_bytes` left the
  // queue (taken or discarded): their credits go back and the runtime's
  // backlog shrinks.
  void left(std::size_t count, uint64_t payload_bytes);

  const uint64_t runtime_id_;
  const std::string name_ = queue_names::next(runtime_id_);
  const int fd_;
  Queue<tether_completion> queue_;
  std::vector<moodycamel::ProducerToken> producers_;
  moodycamel::ConsumerToken consumer_;
  alignas(kCacheLine) std::atomic<bool> armed_{true};
  alignas(kCacheLine) std::atomic<bool> polling_{false};
  std::atomic<bool> shut_down_{false};
  std::atomic<bool> destroyed_{false};
  std::atomic<uint64_t> pending_calls_{0};
  std::atomic<uint64_t> references_{1};
  const std::shared_ptr<CallLedger> ledger_;
  alignas(kCacheLine) std::atomic<int64_t> backlog_{0};
  GrowthWatch backlog_watch_;
};

}  // namespace tether

// The opaque handle hosts hold.
struct tether_cq {
  tether::CompletionQueue* queue;
};

#endif  // TETHER_RUNTIME_COMPLETION_COMPLETION_QUEUE_H_
