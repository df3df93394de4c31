#include "log_capture.h"

#include <mutex>

namespace tether_test {
namespace {

struct Captured {
  std::mutex mu;
  bool active = false;
  std::vector<LogLine> lines;
};

Captured& captured() {
  static Captured* c = new Captured;
  return *c;
}

void Sink(uint64_t /*user_data*/, int32_t level, const char* message) {
  Captured& c = captured();
  std::lock_guard lock(c.mu);
  if (c.active) c.lines.push_back({level, message == nullptr ? "" : message});
}

}  // namespace

LogCapture::LogCapture(int32_t min_level) {
  {
    std::lock_guard lock(captured().mu);
    captured().active = true;
    captured().lines.clear();
  }
  tether_log_set_sink(&Sink, 0, min_level);
}

LogCapture::~LogCapture() {
  tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN);
  std::lock_guard lock(captured().mu);
  captured().active = false;
  captured().lines.clear();
}

size_t LogCapture::count() const {
  std::lock_guard lock(captured().mu);
  return captured().lines.size();
}

std::vector<LogLine> LogCapture::lines() const {
  std::lock_guard lock(captured().mu);
  return captured().lines;
}

bool LogCapture::Contains(std::string_view text) const {
  std::lock_guard lock(captured().mu);
  for (const LogLine& line : captured().lines) {
    if (line.message.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace tether_test
