#include "log/log.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>

namespace tether::log {
namespace {

struct Sink {
  tether_log_fn fn = nullptr;  // nullptr: stderr
  uint64_t user_data = 0;
};

std::atomic<int32_t> g_min_level{TETHER_LOG_WARN};
std::mutex g_sink_mutex;
Sink g_sink;

const char* level_name(int32_t level) {
  switch (level) {
    case TETHER_LOG_DEBUG:
      return "debug";
    case TETHER_LOG_INFO:
      return "info";
    case TETHER_LOG_WARN:
      return "warn";
    default:
      return "error";
  }
}

}  // namespace

bool enabled(int32_t level) {
  return level >= g_min_level.load(std::memory_order_relaxed);
}

void write(int32_t level, const char* format, ...) {
  char stack_line[1024];
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  int length = std::vsnprintf(stack_line, sizeof stack_line, format, args);
  va_end(args);
  const char* line = stack_line;
  // A longer line (a leak report) is formatted again on the heap, so it
  // arrives whole; only if that fails is it cut.
  std::string long_line;
  if (length >= static_cast<int>(sizeof stack_line)) {
    try {
      long_line.resize(static_cast<std::size_t>(length) + 1);
      std::vsnprintf(long_line.data(), long_line.size(), format, again);
      long_line.resize(static_cast<std::size_t>(length));
      line = long_line.c_str();
    } catch (...) {
    }
  }
  va_end(again);

  Sink sink;
  {
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    sink = g_sink;
  }
  if (sink.fn == nullptr) {
    std::fprintf(stderr, "tether: %s: %s\n", level_name(level), line);
    return;
  }
  try {
    sink.fn(sink.user_data, level, line);
  } catch (...) {
    std::fprintf(stderr, "tether: error: the log sink threw; line was: %s\n",
                 line);
  }
}

Status set_sink(tether_log_fn sink, uint64_t user_data, int32_t min_level) {
  if (min_level < TETHER_LOG_DEBUG || min_level > TETHER_LOG_OFF) {
    return Status::kInvalidArg;
  }
  {
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    g_sink = Sink{sink, user_data};
  }
  g_min_level.store(min_level, std::memory_order_relaxed);
  return Status::kOk;
}

}  // namespace tether::log
