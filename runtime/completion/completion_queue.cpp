#include "completion/completion_queue.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "base/clock.h"
#include "buffers/buffer_allocator.h"
#include "log/log.h"

namespace tether {

Status CompletionQueue::create(uint64_t runtime_id, uint32_t producers,
                               std::shared_ptr<CallLedger> ledger,
                               uint64_t growth_threshold,
                               CompletionQueue** out) {
  int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return Status::kNoMemory;
  CompletionQueue* queue = nullptr;
  try {
    // The constructor allocates too (producer tokens, the queue's blocks):
    // whatever throws, the fd it never took goes back.
    queue = new CompletionQueue(runtime_id, fd, producers, std::move(ledger),
                                growth_threshold);
  } catch (...) {
    ::close(fd);
    throw;
  }
  *out = queue;
  return Status::kOk;
}

CompletionQueue::CompletionQueue(uint64_t runtime_id, int fd,
                                 uint32_t producers,
                                 std::shared_ptr<CallLedger> ledger,
                                 uint64_t growth_threshold)
    : runtime_id_(runtime_id),
      fd_(fd),
      consumer_(queue_),
      ledger_(std::move(ledger)),
      backlog_watch_(
          "backlog of " + name_ + ": completions pushed and never polled",
          growth_threshold) {
  producers_.reserve(producers);
  for (uint32_t i = 0; i < producers; ++i) {
    check_token(producers_.emplace_back(queue_));
  }
}

CompletionQueue::~CompletionQueue() {
  constexpr std::size_t kChunk = 64;
  tether_completion chunk[kChunk];
  std::size_t got;
  while ((got = queue_.try_dequeue_bulk(chunk, kChunk)) != 0) {
    discard(chunk, got);
  }
  ::close(fd_);
}

void CompletionQueue::discard(const tether_completion* completions,
                              std::size_t count) {
  uint64_t payload_bytes = 0;
  for (std::size_t i = 0; i < count; ++i) {
    buffers::release(completions[i].result);
    buffers::release(completions[i].error);
    payload_bytes += completions[i].reserved0;
  }
  left(count, payload_bytes);
}

void CompletionQueue::left(std::size_t count, uint64_t payload_bytes) {
  ledger_->cq_taken.fetch_add(count, std::memory_order_relaxed);
  ledger_->give_back(static_cast<int64_t>(count), payload_bytes);
}

void CompletionQueue::reset_fd() {
  uint64_t count;
  (void)!::read(fd_, &count, sizeof count);
}

Status CompletionQueue::begin_calls(uint64_t count) {
  references_.fetch_add(count, std::memory_order_relaxed);
  pending_calls_.fetch_add(count, std::memory_order_seq_cst);
  if (shut_down_.load(std::memory_order_seq_cst)) {
    abandon_calls(count);
    return Status::kClosed;
  }
  return Status::kOk;
}

void CompletionQueue::abandon_calls(uint64_t count) {
  finish_calls(count);
  release(count);
}

void CompletionQueue::finish_calls(uint64_t count) {
  if (pending_calls_.fetch_sub(count, std::memory_order_seq_cst) == count &&
      shut_down_.load(std::memory_order_seq_cst)) {
    signal();  // a poller may be waiting to learn it is finished
  }
}

void CompletionQueue::push(uint32_t producer,
                           const tether_completion* completions,
                           std::size_t count) {
  // The backlog grows before the completions become visible, so a poller
  // that takes them can never subtract first: it is never seen below zero.
  const auto added = static_cast<int64_t>(count);
  const int64_t backlog =
      backlog_.fetch_add(added, std::memory_order_relaxed) + added;
  const bool destroyed = destroyed_.load(std::memory_order_acquire);
  if (!destroyed &&
      queue_.enqueue_bulk(producers_[producer], completions, count)) {
    backlog_watch_.observe(static_cast<uint64_t>(backlog));
  } else {
    backlog_.fetch_sub(added, std::memory_order_relaxed);
    if (!destroyed) {
      // The host can no longer get these completions: say so where it
      // happens, and still give their credits back so in-flight returns
      // to 0.
      TETHER_LOG_ERR(
          "%s: out of memory queueing %zu completion(s); they are lost "
          "(first ticket %llu, status %s)",
          name_.c_str(), count,
          static_cast<unsigned long long>(completions[0].ticket),
          status_name(completions[0].status));
    }
    // Nobody will poll them: tether frees what it owned.
    discard(completions, count);
    finish_calls(count);
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (armed_.load(std::memory_order_relaxed) &&
      armed_.exchange(false, std::memory_order_seq_cst)) {
    signal();
  }
  release(count);  // the calls stay pending until their completions are taken
}

std::size_t CompletionQueue::take(unsigned char* out, std::size_t elem_size,
                                  std::size_t max) {
  constexpr std::size_t kChunk = 64;
  tether_completion chunk[kChunk];
  std::size_t copy = std::min(elem_size, sizeof(tether_completion));
  std::size_t taken = 0;
  uint64_t payload_bytes = 0;
  while (taken < max) {
    std::size_t want = std::min(kChunk, max - taken);
    std::size_t got = queue_.try_dequeue_bulk(consumer_, chunk, want);
    for (std::size_t i = 0; i < got; ++i) {
      payload_bytes += chunk[i].reserved0;
      chunk[i].reserved0 = 0;
      chunk[i].struct_size = copy;
      std::memcpy(out + (taken + i) * elem_size, &chunk[i], copy);
    }
    taken += got;
    if (got < want) break;
  }
  if (taken != 0) {
    // The host has them now: their calls are no longer in flight.
    left(taken, payload_bytes);
    finish_calls(taken);
  }
  return taken;
}

bool CompletionQueue::finished() const {
  return shut_down_.load(std::memory_order_seq_cst) &&
         pending_calls_.load(std::memory_order_seq_cst) == 0 &&
         queue_.size_approx() == 0;
}

Status CompletionQueue::poll(void* out, std::size_t elem_size, std::size_t max,
                             uint64_t timeout_ns, std::size_t* count,
                             bool arm) {
  if (polling_.exchange(true, std::memory_order_acquire)) return Status::kBusy;
  auto* bytes = static_cast<unsigned char*>(out);
  std::size_t taken = take(bytes, elem_size, max);
  // A timeout too large to add to the clock waits for ever.
  const uint64_t start = timeout_ns == 0 ? 0 : now_ns();
  const uint64_t deadline =
      timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
  while (arm && taken < max) {
    // Drained: announce that the next push must write the fd, then look once
    // more for a push that raced with the announcement.
    armed_.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    taken += take(bytes + taken * elem_size, elem_size, max - taken);
    if (taken != 0 || timeout_ns == 0) break;
    if (finished()) break;
    uint64_t now = now_ns();
    if (now >= deadline) break;
    uint64_t left = deadline - now;
    struct pollfd waiter = {fd_, POLLIN, 0};
    struct timespec wait = {static_cast<time_t>(left / 1'000'000'000),
                            static_cast<long>(left % 1'000'000'000)};
    int ready = ::ppoll(&waiter, 1, &wait, nullptr);
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) reset_fd();
    taken += take(bytes, elem_size, max);
  }
  *count = taken;
  // Taking the last completion of a shut-down queue finishes it; the
  // consumer, following the contract, now sleeps on the fd, so announce the
  // end there (the push's wake-up was coalesced with the one it just read).
  if (taken != 0 && finished()) signal();
  if (taken != 0) {
    backlog_watch_.observe(static_cast<uint64_t>(
        std::max<int64_t>(0, backlog_.fetch_sub(static_cast<int64_t>(taken),
                                                std::memory_order_relaxed) -
                                 static_cast<int64_t>(taken))));
  }
  Status status = (taken == 0 && finished()) ? Status::kClosed : Status::kOk;
  polling_.store(false, std::memory_order_release);
  return status;
}

void CompletionQueue::shutdown() {
  if (shut_down_.exchange(true, std::memory_order_seq_cst)) return;
  if (pending_calls_.load(std::memory_order_seq_cst) == 0) signal();
}

void CompletionQueue::destroy() noexcept {
  shutdown();
  destroyed_.store(true, std::memory_order_release);
  // Free what is queued now rather than when the last in-flight call lets
  // go: a lane may hold its reference a moment after its push. Pushes that
  // missed `destroyed_` are freed by the destructor. No poll runs
  // concurrently (the contract), so the consumer token is ours.
  constexpr std::size_t kChunk = 64;
  tether_completion chunk[kChunk];
  std::size_t got;
  while ((got = queue_.try_dequeue_bulk(consumer_, chunk, kChunk)) != 0) {
    backlog_.fetch_sub(static_cast<int64_t>(got), std::memory_order_relaxed);
    discard(chunk, got);
    finish_calls(got);
  }
  release(1);
}

void CompletionQueue::signal() {
  uint64_t one = 1;
  while (::write(fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void CompletionQueue::release(uint64_t count) {
  if (references_.fetch_sub(count, std::memory_order_acq_rel) == count) {
    delete this;
  }
}

}  // namespace tether
