#include "probe.h"

namespace tether_test {

Probe& Probe::Get() {
  static Probe probe;
  return probe;
}

void Probe::Reset() {
  std::lock_guard lock(mu_);
  states_created_ = 0;
  states_destroyed_ = 0;
  foreign_thread_handles_ = 0;
  gate_open_ = false;
  started_.clear();
  statuses_.clear();
  saw_cancel_.clear();
  order_.clear();
}

void Probe::OnStateCreated() {
  std::lock_guard lock(mu_);
  ++states_created_;
  Notify();
}

void Probe::OnStateDestroyed() {
  std::lock_guard lock(mu_);
  ++states_destroyed_;
  Notify();
}

uint64_t Probe::states_created() const {
  std::lock_guard lock(mu_);
  return states_created_;
}

uint64_t Probe::states_destroyed() const {
  std::lock_guard lock(mu_);
  return states_destroyed_;
}

void Probe::OnForeignThreadHandle() {
  std::lock_guard lock(mu_);
  ++foreign_thread_handles_;
}

uint64_t Probe::foreign_thread_handles() const {
  std::lock_guard lock(mu_);
  return foreign_thread_handles_;
}

void Probe::OnStarted(uint32_t method, uint64_t /*request*/) {
  std::lock_guard lock(mu_);
  ++started_[method];
  Notify();
}

bool Probe::WaitStarted(uint32_t method, size_t count) const {
  std::unique_lock lock(mu_);
  return WaitLocked(lock, [&] {
    auto it = started_.find(method);
    return it != started_.end() && it->second >= count;
  });
}

size_t Probe::started(uint32_t method) const {
  std::lock_guard lock(mu_);
  auto it = started_.find(method);
  return it == started_.end() ? 0 : it->second;
}

void Probe::OpenGate() {
  std::lock_guard lock(mu_);
  gate_open_ = true;
  Notify();
}

bool Probe::WaitGate() const {
  std::unique_lock lock(mu_);
  return WaitLocked(lock, [&] { return gate_open_; });
}

void Probe::RecordStatus(uint64_t request, tether_status status) {
  std::lock_guard lock(mu_);
  statuses_[request] = status;
  Notify();
}

std::optional<tether_status> Probe::WaitStatus(uint64_t request) const {
  std::unique_lock lock(mu_);
  if (!WaitLocked(lock, [&] { return statuses_.count(request) != 0; })) {
    return std::nullopt;
  }
  return statuses_.at(request);
}

void Probe::RecordSawCancel(uint64_t request, bool saw) {
  std::lock_guard lock(mu_);
  saw_cancel_[request] = saw;
  Notify();
}

std::optional<bool> Probe::WaitSawCancel(uint64_t request) const {
  std::unique_lock lock(mu_);
  if (!WaitLocked(lock, [&] { return saw_cancel_.count(request) != 0; })) {
    return std::nullopt;
  }
  return saw_cancel_.at(request);
}

void Probe::AppendOrder(uint64_t log_key, uint64_t seq) {
  std::lock_guard lock(mu_);
  order_[log_key].push_back(seq);
}

std::vector<uint64_t> Probe::OrderLog(uint64_t log_key) const {
  std::lock_guard lock(mu_);
  auto it = order_.find(log_key);
  return it == order_.end() ? std::vector<uint64_t>{} : it->second;
}

}  // namespace tether_test
