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

struct LeakReport {
  std::string text;       // one finding per line; "" when nothing is alive
  uint64_t findings = 0;  // calls + unpolled completions + buffers + handles
};

// Thread-safe; the counts are read one by one, not as one snapshot.
LeakReport make_leak_report(const Runtime& runtime);

// Runs at destroy, after shutdown: logs (LOG) or logs and aborts (FAIL) when
// the report is not empty. The TETHER_LEAK_CHECK environment variable (off,
// log, fail) overrides the runtime's setting.
void check_leaks_at_destroy(const Runtime& runtime);

}  // namespace tether

#endif  // TETHER_RUNTIME_CORE_LEAK_REPORT_H_
