// The leak report: what is still alive that the host or the library should
// have let go of. Asked for on demand, and written at destroy when the
// runtime's leak check says so (TETHER_LEAK_CHECK_*), where FAIL turns a
// non-empty report into a failed process for test suites.
#ifndef TETHER_RUNTIME_CORE_LEAK_REPORT_H_
#define TETHER_RUNTIME_CORE_LEAK_REPORT_H_

#include <cstdint>
#include <string>

namespace tether {

class Runtime;

// Two scopes. What this runtime owns: its calls in flight and its completion
// queues' unpolled completions (each with the result or error buffer it
// holds). What is process-wide: live buffers and live handles, which may
// belong to any runtime or to the host. Each finding is a line starting
// with two spaces and a count; lines indented further break the line above
// down (by site, by type). Each call, completion, buffer and handle is
// counted once: the buffer line leaves out one buffer per unpolled
// completion of this runtime.
struct LeakReport {
  std::string text;       // "" when nothing is alive
  uint64_t findings = 0;  // the sum of the finding lines' counts
  uint64_t owned = 0;     // the part of `findings` this runtime owns
};

// Thread-safe; the counts are read one by one, not as one snapshot.
LeakReport make_leak_report(const Runtime& runtime);

// Runs at destroy, after shutdown: logs the report when it is not empty
// (LOG and FAIL), and aborts (FAIL) when this runtime owns a finding; what
// is only process-wide never aborts. The TETHER_LEAK_CHECK environment
// variable (off, log, fail) overrides the runtime's setting.
void check_leaks_at_destroy(const Runtime& runtime);

}  // namespace tether

#endif  // TETHER_RUNTIME_CORE_LEAK_REPORT_H_
