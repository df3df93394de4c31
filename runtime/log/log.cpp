#include "log/log.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>

#include "base/fault_injection.h"

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

void write_line(int32_t level, const char* line) {
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

}  // namespace

bool enabled(int32_t level) {
  return level >= g_min_level.load(std::memory_order_relaxed);
}

void write(int32_t level, const char* format, ...) {
  fault::throw_if_fires(fault::Point::kEngineThrows);
  char line[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  write_line(level, line);
}

void write_suppressed(int32_t level, uint64_t suppressed, const char* format,
                      ...) {
  char line[1024];
  va_list args;
  va_start(args, format);
  int length = std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (suppressed != 0 && length >= 0 &&
      static_cast<std::size_t>(length) < sizeof line) {
    std::snprintf(line + length, sizeof line - length,
                  " (%llu more like this held back)",
                  static_cast<unsigned long long>(suppressed));
  }
  write_line(level, line);
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
