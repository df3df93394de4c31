// What the test library observed, process-wide: lane states created and
// destroyed, handlers started, statuses its replies got back, and a gate that
// holds BLOCK handlers until a test opens it. Reset() before each test.
// Thread-safe.
#ifndef TETHER_TESTS_SUPPORT_PROBE_H
#define TETHER_TESTS_SUPPORT_PROBE_H

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "tether/status.h"

namespace tether_test {

// How long any wait in the suite may take before the test fails instead of
// hanging. Generous: sanitizer builds on two cores are slow.
inline constexpr std::chrono::seconds kWaitLimit{60};

class Probe {
 public:
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  static Probe& Get();

  // Forgets every record and closes the gate.
  void Reset();

  // Lane state lifecycle (one state per lane_start).
  void OnStateCreated();
  void OnStateDestroyed();
  uint64_t states_created() const;
  uint64_t states_destroyed() const;

  // Requests handled on a thread other than the one that created the lane's
  // state.
  void OnForeignThreadHandle();
  uint64_t foreign_thread_handles() const;

  // Handlers started, per method.
  void OnStarted(uint32_t method, uint64_t request);
  bool WaitStarted(uint32_t method, size_t count) const;
  size_t started(uint32_t method) const;

  // The gate BLOCK handlers wait on. Closed after Reset().
  void OpenGate();
  // Returns false when the gate stayed closed for kWaitLimit.
  bool WaitGate() const;

  // A status some library call returned while serving `request` (a second
  // reply, a late reply, a shutdown from a handler ...).
  void RecordStatus(uint64_t request, tether_status status);
  std::optional<tether_status> WaitStatus(uint64_t request) const;

  // Whether a handler saw its request cancelled before replying.
  void RecordSawCancel(uint64_t request, bool saw);
  std::optional<bool> WaitSawCancel(uint64_t request) const;

  // RECORD_ORDER: sequence numbers appended per log key.
  void AppendOrder(uint64_t log_key, uint64_t seq);
  std::vector<uint64_t> OrderLog(uint64_t log_key) const;

 private:
  Probe() = default;
  template <class Pred>
  bool WaitLocked(std::unique_lock<std::mutex>& lock, Pred pred) const {
    return changed_.wait_for(lock, kWaitLimit, pred);
  }
  void Notify() { changed_.notify_all(); }

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  uint64_t states_created_ = 0;
  uint64_t states_destroyed_ = 0;
  uint64_t foreign_thread_handles_ = 0;
  bool gate_open_ = false;
  std::map<uint32_t, size_t> started_;
  std::map<uint64_t, tether_status> statuses_;
  std::map<uint64_t, bool> saw_cancel_;
  std::map<uint64_t, std::vector<uint64_t>> order_;
};

}  // namespace tether_test

#endif  // TETHER_TESTS_SUPPORT_PROBE_H
