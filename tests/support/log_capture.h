// Routes tether's log lines into memory while alive (tether_log_set_sink),
// and restores the default sink when destroyed. One at a time.
#ifndef TETHER_TESTS_SUPPORT_LOG_CAPTURE_H
#define TETHER_TESTS_SUPPORT_LOG_CAPTURE_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tether/log.h"

namespace tether_test {

struct LogLine {
  int32_t level;
  std::string message;
};

class LogCapture {
 public:
  explicit LogCapture(int32_t min_level = TETHER_LOG_WARN);
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  size_t count() const;
  std::vector<LogLine> lines() const;
  bool Contains(std::string_view text) const;
};

}  // namespace tether_test

#endif  // TETHER_TESTS_SUPPORT_LOG_CAPTURE_H
