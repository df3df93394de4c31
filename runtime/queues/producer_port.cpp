#include "queues/producer_port.h"

#include <algorithm>
#include <functional>
#include <thread>

namespace tether {

ProducerPort::ProducerPort(QueueSet& queues)
    : shared_(queues.shared),
      delivery_(queues.delivery),
      deadlines_(queues.deadlines) {
  check_token(shared_);
  check_token(delivery_);
  check_token(deadlines_);
  lanes_.reserve(queues.lanes.size());
  for (auto& lane : queues.lanes) check_token(lanes_.emplace_back(*lane));
}

PortPool::PortPool(QueueSet& queues, uint32_t ports) : queues_(queues) {
  ports_.reserve(ports);
  for (uint32_t i = 0; i < ports; ++i) {
    ports_.push_back(std::make_unique<ProducerPort>(queues));
  }
}

ProducerPort* PortPool::acquire(const std::atomic<bool>& closed) {
  // A per-thread starting point spreads threads over the ports. It is only
  // a hint: any thread may use any port.
  static thread_local std::size_t hint =
      std::hash<std::thread::id>{}(std::this_thread::get_id());
  const std::size_t count = ports_.size();
  for (int scan = 0; scan < kAcquireScans; ++scan) {
    for (std::size_t i = 0; i < count; ++i) {
      ProducerPort* port = ports_[(hint + i) % count].get();
      if (port->try_lock()) {
        hint = (hint + i) % count;
        return port;
      }
    }
    if (closed.load(std::memory_order_seq_cst)) return nullptr;
    cpu_relax();
  }
  return nullptr;
}

void PortPool::lock_all_forever() {
  std::lock_guard<std::mutex> lock(streams_mutex_);
  locked_forever_ = true;
  auto lock_port = [](ProducerPort& port) {
    while (!port.try_lock()) std::this_thread::yield();
  };
  for (auto& port : ports_) lock_port(*port);
  for (auto& port : stream_ports_) lock_port(*port);
}

ProducerPort* PortPool::open_stream_port() {
  std::lock_guard<std::mutex> lock(streams_mutex_);
  if (locked_forever_) return nullptr;
  stream_ports_.push_back(std::make_unique<ProducerPort>(queues_));
  return stream_ports_.back().get();
}

void PortPool::close_stream_port(ProducerPort* port) noexcept {
  std::lock_guard<std::mutex> lock(streams_mutex_);
  auto it = std::find_if(stream_ports_.begin(), stream_ports_.end(),
                         [port](const auto& p) { return p.get() == port; });
  if (it == stream_ports_.end()) return;
  closed_streams_submitted_ += port->submitted();
  stream_ports_.erase(it);
}

uint64_t PortPool::submitted() const {
  uint64_t total = 0;
  for (const auto& port : ports_) total += port->submitted();
  std::lock_guard<std::mutex> lock(streams_mutex_);
  total += closed_streams_submitted_;
  for (const auto& port : stream_ports_) total += port->submitted();
  return total;
}

}  // namespace tether
