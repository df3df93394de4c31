// Collects the completions of calls submitted with Collector::Callback.
// user_data names a collector and an index; a completion for a collector that
// no longer exists is counted by OrphanCompletions(). Result and error
// buffers are copied and freed (a failed free is counted). Thread-safe.
#ifndef TETHER_TESTS_SUPPORT_COLLECTOR_H
#define TETHER_TESTS_SUPPORT_COLLECTOR_H

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tether/tether.h"

namespace tether_test {

struct Completion {
  uint64_t user_data = 0;
  uint64_t ticket = 0;
  tether_status status = TETHER_OK;
  int32_t library_code = 0;
  size_t struct_size = 0;
  std::string result;
  bool has_result = false;
  std::string error;
  bool has_error = false;
  size_t error_len = 0;
  uint32_t lane = 0;
  uint64_t thread_id = 0;
};

class Collector {
 public:
  explicit Collector(size_t capacity);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  static void Callback(tether_completion* completion);
  // Completions that arrived for a destroyed collector, process-wide.
  static uint64_t OrphanCompletions();

  uint64_t user_data(size_t index) const;

  // Runs inside Callback for every completion, before it is recorded.
  void set_hook(std::function<void(const tether_completion&)> hook);

  // From now on every completion counts as "after shutdown".
  void MarkShutdownReturned();

  // Waits until `total` completions arrived; false after kWaitLimit.
  bool WaitForTotal(size_t total) const;

  size_t total() const;
  size_t count(size_t index) const;
  // Indexes that completed more than once.
  size_t duplicates() const;
  size_t after_shutdown() const;
  // Completions delivered while the receiving thread was inside an ApiScope.
  size_t inside_api_call() const;
  size_t free_failures() const;
  size_t with_status(tether_status status) const;
  // The first completion of `index`.
  std::optional<Completion> completion(size_t index) const;

 private:
  void Record(const tether_completion& completion, size_t index);

  const uint32_t id_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::vector<uint32_t> counts_;
  std::vector<std::optional<Completion>> first_;
  size_t total_ = 0;
  size_t duplicates_ = 0;
  size_t after_shutdown_ = 0;
  size_t inside_api_call_ = 0;
  size_t free_failures_ = 0;
  size_t out_of_range_ = 0;
  bool shutdown_returned_ = false;
  int callbacks_running_ = 0;
  std::function<void(const tether_completion&)> hook_;
};

// Marks the current thread as inside a tether call: a completion delivered
// while it is set ran inside that call.
class ApiScope {
 public:
  ApiScope();
  ~ApiScope();
  ApiScope(const ApiScope&) = delete;
  ApiScope& operator=(const ApiScope&) = delete;
  static bool active();
};

}  // namespace tether_test

#endif  // TETHER_TESTS_SUPPORT_COLLECTOR_H
