// Names completion queues so that a host can tell which of its queues a log
// line or a leak report means: "completion queue N of library 'X'", where N
// counts one runtime's queues from 1 in the order tether_cq_open created
// them, and X is the runtime's library name. A queue keeps its name for
// life, even after its runtime is gone.
//
// Also keeps the queues whose host handle is still open, so the leak report
// can name each one holding unpolled completions.
//
// Thread-safe: one process-wide lock, taken when a runtime or a queue opens
// or closes and for a leak report; never per call. It is held across
// fork(), so a forked child can still name the queues of a new runtime.
#ifndef TETHER_RUNTIME_COMPLETION_QUEUE_NAMES_H_
#define TETHER_RUNTIME_COMPLETION_QUEUE_NAMES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tether {

class CompletionQueue;

namespace queue_names {

// A runtime's queues are named after `library` from now on.
void add_runtime(uint64_t runtime_id, const std::string& library);
void remove_runtime(uint64_t runtime_id);

// The name of the next queue created for `runtime_id`. A runtime that was
// never added (unit tests) gives "completion queue N of runtime <id>".
std::string next(uint64_t runtime_id);

// REQUIRES: the host's handle on `queue` is open from track() until
// untrack(), which comes before the handle's reference is dropped.
void track(CompletionQueue* queue);
void untrack(CompletionQueue* queue) noexcept;

struct Backlog {
  std::string name;
  std::size_t completions;
};
// The open queues of `runtime_id` holding completions, in opening order.
std::vector<Backlog> backlogs(uint64_t runtime_id);

}  // namespace queue_names
}  // namespace tether

#endif  // TETHER_RUNTIME_COMPLETION_QUEUE_NAMES_H_
