#include "collector.h"

#include <atomic>
#include <shared_mutex>
#include <unordered_map>

#include "probe.h"
#include "test_library.h"

namespace tether_test {
namespace {

constexpr int kIndexBits = 32;
constexpr uint64_t kIndexMask = (uint64_t{1} << kIndexBits) - 1;

thread_local int t_api_depth = 0;

struct Registry {
  std::shared_mutex mu;
  std::unordered_map<uint32_t, Collector*> collectors;
  uint32_t next_id = 1;
  std::atomic<uint64_t> orphans{0};
};

Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

std::string Copy(const void* data, size_t len) {
  return data == nullptr ? std::string()
                         : std::string(static_cast<const char*>(data), len);
}

uint32_t Register(Collector* collector) {
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  uint32_t id = r.next_id++;
  r.collectors[id] = collector;
  return id;
}

}  // namespace

ApiScope::ApiScope() { ++t_api_depth; }
ApiScope::~ApiScope() { --t_api_depth; }
bool ApiScope::active() { return t_api_depth > 0; }

Collector::Collector(size_t capacity)
    : id_(Register(this)), counts_(capacity, 0), first_(capacity) {}

Collector::~Collector() {
  {
    Registry& r = registry();
    std::unique_lock lock(r.mu);
    r.collectors.erase(id_);
  }
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return callbacks_running_ == 0; });
}

uint64_t Collector::OrphanCompletions() { return registry().orphans.load(); }

uint64_t Collector::user_data(size_t index) const {
  return (uint64_t{id_} << kIndexBits) | index;
}

void Collector::Callback(tether_completion* completion) {
  Collector* collector = nullptr;
  std::function<void(const tether_completion&)> hook;
  {
    // The registry lock is not held while the hook runs (it may block);
    // callbacks_running_ keeps the collector alive instead.
    Registry& r = registry();
    std::shared_lock lock(r.mu);
    auto it = r.collectors.find(
        static_cast<uint32_t>(completion->user_data >> kIndexBits));
    if (it == r.collectors.end()) {
      r.orphans.fetch_add(1);
      tether_buf_free(completion->result);
      tether_buf_free(completion->error);
      return;
    }
    collector = it->second;
    std::lock_guard guard(collector->mu_);
    ++collector->callbacks_running_;
    hook = collector->hook_;
  }
  // Before recording, so that a waiter sees the hook's effects.
  if (hook) hook(*completion);
  collector->Record(*completion, completion->user_data & kIndexMask);
}

void Collector::Record(const tether_completion& c, size_t index) {
  Completion copy;
  copy.user_data = c.user_data;
  copy.ticket = c.ticket;
  copy.status = c.status;
  copy.library_code = c.library_code;
  copy.struct_size = c.struct_size;
  copy.has_result = c.result != nullptr;
  copy.result = Copy(c.result, c.result_len);
  copy.has_error = c.error != nullptr;
  copy.error = Copy(c.error, c.error_len);
  copy.error_len = c.error_len;
  copy.lane = c.lane;
  copy.thread_id = CurrentThreadId();
  const bool freed = tether_buf_free(c.result) == TETHER_OK &&
                     tether_buf_free(c.error) == TETHER_OK;

  std::lock_guard lock(mu_);
  if (!freed) ++free_failures_;
  if (ApiScope::active()) ++inside_api_call_;
  if (shutdown_returned_) ++after_shutdown_;
  ++total_;
  if (index >= counts_.size()) {
    ++out_of_range_;
  } else {
    if (++counts_[index] == 2) ++duplicates_;
    if (!first_[index]) first_[index] = std::move(copy);
  }
  --callbacks_running_;
  changed_.notify_all();
}

void Collector::set_hook(std::function<void(const tether_completion&)> hook) {
  std::lock_guard lock(mu_);
  hook_ = std::move(hook);
}

void Collector::MarkShutdownReturned() {
  std::lock_guard lock(mu_);
  shutdown_returned_ = true;
}

bool Collector::WaitForTotal(size_t total) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, kWaitLimit, [&] { return total_ >= total; });
}

size_t Collector::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

size_t Collector::count(size_t index) const {
  std::lock_guard lock(mu_);
  return index < counts_.size() ? counts_[index] : 0;
}

size_t Collector::duplicates() const {
  std::lock_guard lock(mu_);
  return duplicates_ + out_of_range_;
}

size_t Collector::after_shutdown() const {
  std::lock_guard lock(mu_);
  return after_shutdown_;
}

size_t Collector::inside_api_call() const {
  std::lock_guard lock(mu_);
  return inside_api_call_;
}

size_t Collector::free_failures() const {
  std::lock_guard lock(mu_);
  return free_failures_;
}

size_t Collector::with_status(tether_status status) const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& c : first_) n += c && c->status == status;
  return n;
}

std::optional<Completion> Collector::completion(size_t index) const {
  std::lock_guard lock(mu_);
  return index < first_.size() ? first_[index] : std::nullopt;
}

}  // namespace tether_test
