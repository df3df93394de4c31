#include "core/runtime.h"

#include <algorithm>
#include <array>
#include <thread>

#include "base/clock.h"
#include "buffers/buffer_allocator.h"
#include "buffers/buffer_mode.h"
#include "completion/queue_names.h"
#include "core/fork_guard.h"
#include "delivery/delivery_thread.h"
#include "lanes/lane.h"
#include "log/log.h"

namespace tether {
namespace {

std::atomic<uint64_t> g_next_runtime_id{1};

// Pooled producer ports: enough that concurrent submitters rarely wait for
// one another (a port is held for one enqueue), and no more, because an
// idle lane looks for work by scanning every port's producer in its own
// queue and in the shared one, and a longer scan sees a call later (on 2
// CPUs, 4 ports instead of 16 took the round trip's p50 from 631 to 571 ns).
// Two per CPU, 4 to 16.
uint32_t pooled_ports() {
  const unsigned cpus = std::thread::hardware_concurrency();
  return std::clamp<uint32_t>(2 * (cpus == 0 ? 1 : cpus), 4, 16);
}

}  // namespace

Status Runtime::open(LoadedLibrary library, const RuntimeOptions& options,
                     std::shared_ptr<Runtime>* out, std::string* error) {
  std::shared_ptr<Runtime> runtime(new Runtime(std::move(library), options));
  Status status = runtime->start(error);
  if (status != Status::kOk) return status;
  *out = std::move(runtime);
  return Status::kOk;
}

Runtime::Runtime(LoadedLibrary library, const RuntimeOptions& options)
    : id_(g_next_runtime_id.fetch_add(1)),
      fork_epoch_(fork_epoch()),
      library_(std::move(library)),
      options_(options),
      queues_(options.lanes),
      slots_(options.max_calls_in_flight * 2 +
                 SlotPool::kReturnBatch * (options.lanes + 1),
             ticket::tag_for(id_)),
      ports_(queues_, pooled_ports()),
      recorder_(recorder::with_environment(options.recorder), options.lanes,
                library_.name, id_),
      ledger_(std::make_shared<CallLedger>(options.max_calls_in_flight)),
      calls_(ledger_->calls),
      bytes_in_flight_(ledger_->bytes),
      in_flight_watch_(
          "calls in flight on the runtime of library '" + library_.name + "'",
          options.credit_bounded_threshold()) {
  queue_names::add_runtime(id_, library_.name);
}

Runtime::~Runtime() {
  queue_names::remove_runtime(id_);
  if (forked()) return;  // the threads belong to the parent
  stop_threads();
}

Status Runtime::start(std::string* error) {
  // The clock's first reader calibrates it (base/clock.h): let that be the
  // thread opening the runtime, which waits anyway, and not a submitter.
  (void)now_ns();
  if (options_.buffer_debug) {
    buffers::request_debug_mode(
        ("the runtime of library '" + library_.name + "'").c_str());
  }
  delivery_ = std::make_unique<DeliveryThread>(*this, options_.lanes);
  for (uint32_t i = 0; i < options_.lanes; ++i) {
    lanes_.push_back(std::make_unique<Lane>(*this, i));
  }
  delivery_->start();
  for (auto& lane : lanes_) {
    Status status = lane->start(error);
    if (status != Status::kOk) {
      TETHER_LOG_ERR("open: %s", error->c_str());
      stop_threads();
      return status;
    }
  }
  return Status::kOk;
}

void Runtime::stop_threads() {
  for (auto& lane : lanes_) lane->stop_and_join();
  if (delivery_) delivery_->stop_and_join();
}

bool Runtime::forked() const { return fork_epoch() != fork_epoch_; }

bool Runtime::on_own_thread() const {
  Lane* lane = Lane::current();
  if (lane != nullptr && &lane->runtime() == this) return true;
  return delivery_ && delivery_->on_this_thread();
}

void Runtime::stats(tether_stats* out) const {
  tether_stats stats{};
  stats.struct_size = sizeof stats;
  stats.submitted = ports_.submitted();
  stats.rejected_busy = rejected_busy_.load(std::memory_order_relaxed);
  std::array<uint64_t, LatencyHistogram::kBuckets> latency{};
  uint64_t pushed_to_queues = 0;
  auto add = [&](const CompletionCounters& counters) {
    stats.completed_ok += counters.ok.load(std::memory_order_relaxed);
    stats.completed_library += counters.library.load(std::memory_order_relaxed);
    stats.completed_cancelled +=
        counters.cancelled.load(std::memory_order_relaxed);
    stats.completed_deadline +=
        counters.deadline.load(std::memory_order_relaxed);
    stats.completed_closed += counters.closed.load(std::memory_order_relaxed);
    stats.callback_exceptions +=
        counters.callback_exceptions.load(std::memory_order_relaxed);
    pushed_to_queues +=
        counters.pushed_to_queues.load(std::memory_order_relaxed);
    counters.latency.add_to(latency);
  };
  for (const auto& lane : lanes_) {
    add(lane->counters());
    stats.queue_depth += lane->queue_depth();
  }
  add(delivery_->counters());
  stats.queue_depth += queues_.shared.size_approx();
  uint64_t taken = ledger_->cq_taken.load(std::memory_order_relaxed);
  stats.cq_backlog = pushed_to_queues > taken ? pushed_to_queues - taken : 0;
  int64_t in_flight = calls_.in_flight();
  stats.in_flight = in_flight > 0 ? static_cast<uint64_t>(in_flight) : 0;
  stats.bytes_in_flight = bytes_in_flight_.load(std::memory_order_relaxed);
  stats.late_replies = late_replies_.load(std::memory_order_relaxed);
  stats.lanes = options_.lanes;
  buffers::live_totals(&stats.buffers_live, &stats.buffer_bytes_live);
  stats.latency_p50_ns = LatencyHistogram::percentile(latency, 0.50);
  stats.latency_p99_ns = LatencyHistogram::percentile(latency, 0.99);
  stats.latency_p999_ns = LatencyHistogram::percentile(latency, 0.999);
  *out = stats;
}

void Runtime::lane_stats(uint32_t lane, tether_lane_stats* out) const {
  tether_lane_stats stats{};
  stats.struct_size = sizeof stats;
  stats.lane = lane;
  stats.queue_depth = lanes_[lane]->queue_depth();
  stats.handled = lanes_[lane]->handled();
  stats.parks = lanes_[lane]->parks();
  *out = stats;
}

}  // namespace tether
