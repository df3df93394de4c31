#include "lanes/lane.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <new>

#include "base/clock.h"
#include "base/fault_injection.h"
#include "buffers/call_origin.h"
#include "core/host_api.h"
#include "core/runtime.h"
#include "crash/lane_marker.h"
#include "delivery/delivery_thread.h"
#include "log/log.h"

namespace tether {
namespace {

// Initial-exec: readable from a signal handler without allocating.
__attribute__((tls_model("initial-exec"))) thread_local Lane* t_current_lane =
    nullptr;

constexpr std::size_t kBatch = 32;

void name_and_pin(uint32_t index, bool pin) {
  char name[16];
  std::snprintf(name, sizeof name, "tether-lane-%u", index);
  pthread_setname_np(pthread_self(), name);
  if (!pin) return;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus <= 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(index % static_cast<unsigned long>(cpus), &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
    TETHER_LOG_WARNING("lane %u: could not pin to a CPU", index);
  }
}

}  // namespace

Lane::Lane(Runtime& runtime, uint32_t index)
    : runtime_(runtime),
      index_(index),
      ring_(runtime.recorder().lane(index)),
      own_consumer_(*runtime.queues().lanes[index]),
      shared_consumer_(runtime.queues().shared),
      delivery_producer_(runtime.queues().delivery),
      depth_watch_("queue depth of lane " + std::to_string(index) +
                       " of library '" + runtime.library().name + "'",
                   runtime.options().credit_bounded_threshold()) {
  // hand_over would survive an invalid token (through the overflow list),
  // but every completion of the lane's life would take that slow path.
  check_token(delivery_producer_);
  deferred_.reserve(kBatch);
}

Lane::~Lane() { stop_and_join(); }

Lane* Lane::current() { return t_current_lane; }

Status Lane::start(std::string* error) {
  thread_ = std::thread([this] { run(); });
  std::unique_lock<std::mutex> lock(start_mutex_);
  start_cv_.wait(lock, [this] { return start_done_; });
  if (!start_ok_) {
    lock.unlock();
    thread_.join();
    *error = start_error_;
    return Status::kLoad;
  }
  return Status::kOk;
}

void Lane::stop_and_join() {
  if (!thread_.joinable()) return;
  stop_requested_.store(true, std::memory_order_seq_cst);
  loop_.wake();
  thread_.join();
}

bool Lane::start_library(std::string* error) {
  const tether_library& library = runtime_.library().table;
  tether_status status = TETHER_E_INTERNAL;
  try {
    status =
        library.lane_start(host_api(), this, index_,
                           runtime_.options().library_data, &library_state_);
  } catch (const std::exception& e) {
    *error =
        "lane " + std::to_string(index_) + ": lane_start threw: " + e.what();
    return false;
  } catch (...) {
    *error = "lane " + std::to_string(index_) + ": lane_start threw";
    return false;
  }
  if (status != TETHER_OK) {
    *error = "lane " + std::to_string(index_) + ": lane_start of library '" +
             runtime_.library().name + "' returned " + status_name(status);
    return false;
  }
  return true;
}

void Lane::run() {
  t_current_lane = this;
  crash::enter_lane(index_, runtime_.library().name.c_str(),
                    &runtime_.recorder());
  name_and_pin(index_, runtime_.options().pin_lanes);
  std::string error;
  bool started = start_library(&error);
  {
    std::lock_guard<std::mutex> lock(start_mutex_);
    start_done_ = true;
    start_ok_ = started;
    start_error_ = error;
  }
  start_cv_.notify_all();
  if (!started) {
    loop_.close();
    crash::leave_lane();
    t_current_lane = nullptr;
    return;
  }

  loop_.on_spin_interrupted(
      [](void* lane) { static_cast<Lane*>(lane)->hand_on_shared_calls(); },
      this);
  const uint64_t spin_ns = runtime_.options().spin_ns;
  SlotPool::ReturnBatch slot_returns(runtime_.slots());
  bool after_idle = true;
  for (;;) {
    std::size_t handled = drain_once(after_idle);
    after_idle = handled == 0;
    uint64_t now = now_ns();
    loop_.run_ready(now);
    deliver_deferred();
    if (handled != 0) {
      loop_.busy();
      continue;
    }
    if (stop_requested_.load(std::memory_order_acquire)) break;
    bool parking = false;
    loop_.idle(now, spin_ns, [&] {
      slot_returns.flush();  // about to sleep: hand back what it holds
      parking = queues_look_empty() &&
                !stop_requested_.load(std::memory_order_seq_cst);
      if (parking) CompletionCounters::bump(parks_);
      return !parking;
    });
    if (parking) deliver_deferred();  // replies made by what woke the lane
  }
  finish();
}

std::size_t Lane::drain_once(bool after_idle) {
  // busy() before the handlers run, not after: while they run, this lane
  // must not read as spinning, or submitters of shared calls would wake
  // no parked lane (Runtime::wake_lane_for).
  Slot* batch[kBatch];
  std::size_t own = runtime_.queues().lanes[index_]->try_dequeue_bulk(
      own_consumer_, batch, kBatch);
  if (own != 0) {
    if (after_idle) {
      leave_idle();
      after_idle = false;
    } else {
      loop_.busy();
    }
  }
  run_requests(batch, own);
  // A full batch means a backlog: only then is the depth worth measuring.
  if (own == kBatch) depth_watch_.observe(queue_depth());
  return own + drain_shared(after_idle);
}

void Lane::leave_idle() {
  loop_.busy();
  hand_on_shared_calls();
}

void Lane::hand_on_shared_calls() {
  if (runtime_.options().lanes == 1) return;
  // Submitters wake no lane while this one spins, so shared calls may be
  // queued with every other lane parked while this one runs what it just
  // took: wake one for them. Each lane woken so passes the wake on while a
  // backlog remains. The fence pairs with the submitter's: it sees this
  // lane no longer spinning, or this load sees its call.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (runtime_.queues().shared.size_approx() != 0) {
    runtime_.wake_lane_for_shared();
  }
}

std::size_t Lane::drain_shared(bool after_idle) {
  auto& shared = runtime_.queues().shared;
  if (runtime_.options().lanes == 1) {
    Slot* batch[kBatch];
    std::size_t taken =
        shared.try_dequeue_bulk(shared_consumer_, batch, kBatch);
    if (taken != 0) loop_.busy();
    run_requests(batch, taken);
    return taken;
  }
  // With other lanes to run them, shared calls are taken one at a time: a
  // batch taken at once would run serially here, behind a handler that
  // blocks its thread, while the other lanes sit idle.
  std::size_t taken = 0;
  Slot* slot = nullptr;
  while (taken < kBatch && shared.try_dequeue(shared_consumer_, slot)) {
    if (taken++ == 0) {
      if (after_idle) {
        leave_idle();
      } else {
        loop_.busy();
      }
    }
    run_requests(&slot, 1);
  }
  return taken;
}

void Lane::run_requests(Slot* const* slots, std::size_t count) {
  // A queued slot was last written by its submitter, and the lane writes
  // both of its first lines (the reply's claim, the result). Fetching them
  // for writing a few requests ahead takes each in one transfer, while
  // earlier handlers run.
  constexpr std::size_t kAhead = 4;
  auto prefetch = [](const Slot* slot) {
    prefetch_for_write(slot);
    prefetch_for_write(reinterpret_cast<const char*>(slot) + kCacheLine);
  };
  for (std::size_t i = 0; i < std::min(kAhead, count); ++i) prefetch(slots[i]);
  if (ring_ != nullptr && count != 0) record_clock_ = now_ns();
  for (std::size_t i = 0; i < count; ++i) {
    if (i + kAhead < count) prefetch(slots[i + kAhead]);
    run_request(slots[i]);
  }
  deliver_deferred();
}

void Lane::run_request(Slot* slot) {
  uint64_t word = slot->word.load(std::memory_order_acquire);
  if (slot_word::flags(word) & slot_word::kClaimed) {
    // Cancelled, past its deadline or shut down while queued: never run.
    if (ring_ != nullptr) {
      const uint64_t id =
          runtime_.slots().ticket_of(slot_word::generation(word), *slot);
      ring_->skipped(facts_of(*slot, id, record_clock_),
                     slot_word::status(word));
    }
    runtime_.let_go(slot, slot_word::kLaneDone);
    return;
  }
  slot->ran_on_lane.store(index_, std::memory_order_relaxed);
  CompletionCounters::bump(handled_);
  tether_request request{};
  request.struct_size = sizeof request;
  request.id = runtime_.slots().ticket_of(slot_word::generation(word), *slot);
  request.method = slot->method;
  request.lane_index = index_;
  request.key = slot->key;
  request.payload = slot->payload;
  request.payload_len = slot->payload_len;
  const char* escaped = nullptr;
  std::string what;
  const uint64_t started = record_clock_;
  uint64_t seq = 0;
  if (ring_ != nullptr)
    seq = ring_->begin(facts_of(*slot, request.id, started));
  crash::begin_call(request.id, request.method);
  const buffers::CallOrigin origin{request.id, request.key, request.method};
  buffers::set_current_call(&origin);
  try {
    runtime_.library().table.handle(library_state_, &request);
  } catch (const std::exception& e) {
    what = e.what();
    escaped = what.c_str();
  } catch (...) {
    escaped = "unknown exception";
  }
  buffers::set_current_call(nullptr);
  crash::end_call();
  if (ring_ != nullptr) {
    record_clock_ = now_ns();
    ring_->finish_run(seq, record_clock_ - started);
  }
  if (escaped != nullptr) {
    TETHER_LOG_ERR("lane %u: an exception escaped the library's handler: %s",
                   index_, escaped);
    std::string message =
        std::string("exception escaped the library's handler: ") + escaped;
    runtime_.reply(*this, request.id, nullptr, 0, true, -1, message.c_str());
  }
}

recorder::CallFacts Lane::facts_of(const Slot& slot, uint64_t ticket,
                                   uint64_t start_ns) const {
  recorder::CallFacts facts;
  facts.ticket = ticket;
  facts.key = slot.key;
  facts.method = slot.method;
  facts.thread = slot.submitter_thread;
  facts.payload = slot.payload;
  facts.payload_len = slot.payload_len;
  facts.submit_ns = slot.submit_ns;
  facts.start_ns = start_ns;
  return facts;
}

void Lane::deliver_deferred() {
  if (deferred_.empty()) return;
  EventLoop::NotSpinning running_callbacks(loop_);
  // A completion's callback may lead to more replies here, growing (and
  // moving) deferred_: each chunk is copied out before it is delivered.
  Slot* chunk[Runtime::kDeliverBatch];
  for (std::size_t done = 0; done < deferred_.size();) {
    const std::size_t n =
        std::min(Runtime::kDeliverBatch, deferred_.size() - done);
    std::copy_n(deferred_.begin() + static_cast<std::ptrdiff_t>(done), n,
                chunk);
    runtime_.deliver(chunk, n, counters_, index_);
    done += n;
  }
  deferred_.clear();
}

void Lane::defer_delivery(Slot* slot) {
  try {
    deferred_.push_back(slot);
  } catch (const std::bad_alloc&) {
    hand_to_delivery(slot);
  }
}

void Lane::hand_to_delivery(Slot* slot) {
  runtime_.delivery().hand_over(&delivery_producer_, slot,
                                fault::Point::kLaneHandOff);
  runtime_.delivery().wake_if_parked();
}

Status Lane::register_gauge(const char* name, uint32_t* gauge_out) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  gauges_.emplace_back("gauge '" + std::string(name) + "' of library '" +
                           runtime_.library().name + "' on lane " +
                           std::to_string(index_),
                       runtime_.options().growth_threshold);
  *gauge_out = static_cast<uint32_t>(gauges_.size() - 1);
  return Status::kOk;
}

Status Lane::set_gauge(uint32_t gauge, uint64_t value) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  if (gauge >= gauges_.size()) return Status::kInvalidArg;
  gauges_[gauge].watch.observe(value);
  return Status::kOk;
}

std::size_t Lane::queue_depth() const {
  return runtime_.queues().lanes[index_]->size_approx();
}

bool Lane::queues_look_empty() const {
  return runtime_.queues().lanes[index_]->size_approx() == 0 &&
         runtime_.queues().shared.size_approx() == 0;
}

void Lane::finish() {
  // Everything still queued was claimed by shutdown; let go of it.
  while (drain_once(false) != 0) {
  }
  loop_.close();  // posted work and timers run once more with ran == false
  deliver_deferred();
  if (runtime_.library().table.lane_stop != nullptr) {
    try {
      runtime_.library().table.lane_stop(library_state_);
    } catch (...) {
      TETHER_LOG_ERR("lane %u: lane_stop threw", index_);
    }
  }
  crash::leave_lane();
  t_current_lane = nullptr;
}

}  // namespace tether
