#include "completion/queue_names.h"

#include <pthread.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "completion/completion_queue.h"

namespace tether::queue_names {
namespace {

struct RuntimeEntry {
  std::string library;
  uint64_t queues_named = 0;
};

struct Directory {
  std::mutex mutex;
  std::unordered_map<uint64_t, RuntimeEntry> runtimes;  // GUARDED_BY(mutex)
  std::vector<CompletionQueue*> open;  // GUARDED_BY(mutex), opening order
};

// Never destroyed: a queue may be destroyed during static destruction.
Directory& directory() {
  static Directory* d = new Directory;
  return *d;
}

// Held across fork(), so a child that opens a runtime never inherits the
// lock from a thread that is gone. Nothing under it takes another lock.
void lock_before_fork() { directory().mutex.lock(); }
void unlock_after_fork() { directory().mutex.unlock(); }

struct ForkHooks {
  ForkHooks() {
    directory();
    pthread_atfork(&lock_before_fork, &unlock_after_fork, &unlock_after_fork);
  }
};
const ForkHooks g_fork_hooks;

}  // namespace

void add_runtime(uint64_t runtime_id, const std::string& library) {
  Directory& d = directory();
  std::lock_guard<std::mutex> lock(d.mutex);
  d.runtimes[runtime_id].library = library;
}

void remove_runtime(uint64_t runtime_id) {
  Directory& d = directory();
  std::lock_guard<std::mutex> lock(d.mutex);
  d.runtimes.erase(runtime_id);
}

std::string next(uint64_t runtime_id) {
  Directory& d = directory();
  std::lock_guard<std::mutex> lock(d.mutex);
  RuntimeEntry& entry = d.runtimes[runtime_id];  // unknown: no library name
  const std::string serial = std::to_string(++entry.queues_named);
  if (entry.library.empty()) {
    return "completion queue " + serial + " of runtime " +
           std::to_string(runtime_id);
  }
  return "completion queue " + serial + " of library '" + entry.library + "'";
}

void track(CompletionQueue* queue) {
  Directory& d = directory();
  std::lock_guard<std::mutex> lock(d.mutex);
  d.open.push_back(queue);
}

void untrack(CompletionQueue* queue) noexcept {
  Directory& d = directory();
  std::lock_guard<std::mutex> lock(d.mutex);
  d.open.erase(std::remove(d.open.begin(), d.open.end(), queue), d.open.end());
}

std::vector<Backlog> backlogs(uint64_t runtime_id) {
  Directory& d = directory();
  std::lock_guard<std::mutex> lock(d.mutex);
  std::vector<Backlog> found;
  for (CompletionQueue* queue : d.open) {
    if (queue->runtime_id() != runtime_id) continue;
    std::size_t completions = queue->backlog();
    if (completions != 0) found.push_back({queue->name(), completions});
  }
  return found;
}

}  // namespace tether::queue_names
