// Producer ports: the set of explicit producer tokens one submitting thread
// needs (one per lane queue, the shared queue, the delivery and deadline
// queues), held by one thread at a time.
//
// Plain submits borrow a port from a PortPool for the length of one submit
// (a try-lock per port, starting at a per-thread hint, so threads rarely
// collide); a stream owns one port for its life, which is what makes its
// same-key calls FIFO (moodycamel keeps each producer's order).
//
// Shutdown closes intake by locking every port: once it holds them all, no
// submit is half-way through an enqueue, and every later one sees the closed
// flag first.
#ifndef TETHER_RUNTIME_QUEUES_PRODUCER_PORT_H_
#define TETHER_RUNTIME_QUEUES_PRODUCER_PORT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "base/cpu.h"
#include "queues/queues.h"

namespace tether {

struct QueueSet {
  explicit QueueSet(uint32_t lane_count) {
    for (uint32_t i = 0; i < lane_count; ++i) {
      lanes.push_back(std::make_unique<RequestQueue>());
    }
  }
  std::vector<std::unique_ptr<RequestQueue>> lanes;
  RequestQueue shared;
  DeliveryQueue delivery;
  DeadlineQueue deadlines;
};

class alignas(kCacheLine) ProducerPort {
 public:
  explicit ProducerPort(QueueSet& queues);
  ProducerPort(const ProducerPort&) = delete;
  ProducerPort& operator=(const ProducerPort&) = delete;

  bool try_lock() {
    return !busy_.load(std::memory_order_relaxed) &&
           !busy_.exchange(true, std::memory_order_seq_cst);
  }
  void unlock() { busy_.store(false, std::memory_order_release); }

  moodycamel::ProducerToken& lane_token(uint32_t lane) { return lanes_[lane]; }
  moodycamel::ProducerToken& shared_token() { return shared_; }
  moodycamel::ProducerToken& delivery_token() { return delivery_; }
  moodycamel::ProducerToken& deadline_token() { return deadlines_; }

  // Calls accepted through this port. Written only by the port's holder.
  void count_submitted(uint64_t n) {
    submitted_.store(submitted_.load(std::memory_order_relaxed) + n,
                     std::memory_order_relaxed);
  }
  uint64_t submitted() const {
    return submitted_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<bool> busy_{false};
  std::vector<moodycamel::ProducerToken> lanes_;
  moodycamel::ProducerToken shared_;
  moodycamel::ProducerToken delivery_;
  moodycamel::ProducerToken deadlines_;
  std::atomic<uint64_t> submitted_{0};
};

class PortPool {
 public:
  PortPool(QueueSet& queues, uint32_t ports);
  PortPool(const PortPool&) = delete;
  PortPool& operator=(const PortPool&) = delete;

  // Full scans acquire() makes over the ports before giving up.
  static constexpr int kAcquireScans = 64;

  // A locked port, or nullptr once `closed` is set or when every port
  // stayed held for kAcquireScans scans (microseconds: each holder keeps
  // one for a single enqueue, so it takes as many submitters as there are
  // ports, preempted while holding them). Never sleeps. Thread-safe.
  ProducerPort* acquire(const std::atomic<bool>& closed);

  // Locks every pooled port and every registered stream port, for good.
  // REQUIRES: `closed` was set first. Thread-safe; blocks until held.
  void lock_all_forever();

  // A new port owned by a stream; nullptr once locked forever.
  ProducerPort* open_stream_port();
  void close_stream_port(ProducerPort* port) noexcept;

  uint64_t submitted() const;

 private:
  QueueSet& queues_;
  std::vector<std::unique_ptr<ProducerPort>> ports_;
  mutable std::mutex streams_mutex_;
  std::vector<std::unique_ptr<ProducerPort>> stream_ports_;
  uint64_t closed_streams_submitted_ = 0;  // GUARDED_BY(streams_mutex_)
  bool locked_forever_ = false;            // GUARDED_BY(streams_mutex_)
};

}  // namespace tether

#endif  // TETHER_RUNTIME_QUEUES_PRODUCER_PORT_H_
