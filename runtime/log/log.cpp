#include "log/log.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

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

// So that set_sink() can promise the previous sink is never called once it
// returns, each line counts itself, before it copies the sink, in one of
// two counters chosen by the epoch's parity. set_sink() swaps the sink,
// moves the epoch on (new lines count in the other counter) and waits for
// the old counter to drain: every line that may hold the previous sink has
// returned from it. set_sink() calls are serialised, so the counter a
// waiter drains is never refilled under it.
std::atomic<uint64_t> g_epoch{0};
std::atomic<int64_t> g_lines_writing[2];
std::mutex g_set_sink_mutex;

class LineInProgress {
 public:
  LineInProgress() {
    for (;;) {
      const uint64_t epoch = g_epoch.load(std::memory_order_seq_cst);
      counter_ = &g_lines_writing[epoch & 1];
      counter_->fetch_add(1, std::memory_order_seq_cst);
      if (g_epoch.load(std::memory_order_seq_cst) == epoch) return;
      counter_->fetch_sub(1, std::memory_order_release);  // raced a swap
    }
  }
  ~LineInProgress() { counter_->fetch_sub(1, std::memory_order_release); }
  LineInProgress(const LineInProgress&) = delete;
  LineInProgress& operator=(const LineInProgress&) = delete;

 private:
  std::atomic<int64_t>* counter_;
};

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
  LineInProgress in_progress;
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
  std::lock_guard<std::mutex> serialised(g_set_sink_mutex);
  {
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    g_sink = Sink{sink, user_data};
  }
  g_min_level.store(min_level, std::memory_order_relaxed);
  const uint64_t old_epoch = g_epoch.fetch_add(1, std::memory_order_seq_cst);
  std::atomic<int64_t>& old_lines = g_lines_writing[old_epoch & 1];
  while (old_lines.load(std::memory_order_acquire) != 0) {
    std::this_thread::yield();
  }
  return Status::kOk;
}

}  // namespace tether::log
