#include "crash/crash_handler.h"

#include <execinfo.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "crash/lane_marker.h"
#include "log/log.h"
#include "recorder/recorder.h"

namespace tether::crash {
namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
constexpr int kMaxFrames = 64;
constexpr int kRecentCalls = 16;

std::atomic<bool> g_file_written{false};

struct sigaction g_replaced[NSIG];
std::atomic<bool> g_installed{false};
std::mutex g_install_mutex;

// --- async-signal-safe output ---------------------------------------------

void put(const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    ssize_t written = ::write(STDERR_FILENO, text, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    text += written;
    left -= static_cast<std::size_t>(written);
  }
}

void put_number(uint64_t value, unsigned base) {
  char digits[24];
  char* end = digits + sizeof digits - 1;
  *end = '\0';
  char* at = end;
  do {
    unsigned digit = static_cast<unsigned>(value % base);
    *--at = static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10);
    value /= base;
  } while (value != 0 && at > digits);
  if (base == 16) put("0x");
  put(at);
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
    case SIGABRT:
      return "SIGABRT";
    default:
      return "signal";
  }
}

// The recorder's part: the lane's last calls, then the file. The frames
// come first: if reading the rings faulted, the report would still hold
// them.
void report_recording(int signal, const LaneMarker& marker) {
  const recorder::Recorder* recorder = marker.recorder;
  if (recorder == nullptr || !recorder->on()) {
    put("tether: the recorder is off: no record of the calls before it\n");
    return;
  }
  recorder->print_recent(STDERR_FILENO, marker.lane_index, kRecentCalls);
  const char* file = recorder->crash_file();
  if (*file == '\0') return;
  // One file a process: a second lane's crash must not cut the first's.
  if (g_file_written.exchange(true)) {
    put("tether: the recording was written by the first lane to crash, to ");
    put(file);
    put("\n");
    return;
  }
  if (recorder->write_crash_file(static_cast<int>(marker.lane_index), signal)) {
    put("tether: recording written to ");
  } else {
    put("tether: could not write the recording to ");
  }
  put(file);
  put("\n");
}

void report(int signal, const siginfo_t* info, const LaneMarker& marker) {
  put("tether: fatal ");
  put(signal_name(signal));
  put(" (signal ");
  put_number(static_cast<uint64_t>(signal), 10);
  put(") on lane ");
  put_number(marker.lane_index, 10);
  if (const char* name = marker.library_name) {
    put(" of library '");
    put(name);
    put("'");
  }
  put(", fault address ");
  put_number(
      reinterpret_cast<uintptr_t>(info != nullptr ? info->si_addr : nullptr),
      16);
  put("\n");
  uint64_t ticket = marker.ticket;
  if (ticket != 0) {
    put("tether: call in flight: method ");
    put_number(marker.method, 10);
    put(", ticket ");
    put_number(ticket, 10);
    put("\n");
  } else {
    put("tether: no call in flight (lane loop, posted work or timer)\n");
  }
  put("tether: first-hand frames (module(symbol+offset) or "
      "module(+offset)):\n");
  void* frames[kMaxFrames];
  int count = backtrace(frames, kMaxFrames);
  backtrace_symbols_fd(frames, count, STDERR_FILENO);
  report_recording(signal, marker);
  put("tether: passing the signal on to the handler it replaced\n");
}

void chain(int signal, siginfo_t* info, void* context) {
  const struct sigaction& replaced = g_replaced[signal];
  if ((replaced.sa_flags & SA_SIGINFO) != 0) {
    if (replaced.sa_sigaction != nullptr) {
      replaced.sa_sigaction(signal, info, context);
      return;
    }
  } else if (replaced.sa_handler != SIG_DFL && replaced.sa_handler != SIG_IGN) {
    replaced.sa_handler(signal);
    return;
  }
  // No handler before (an ignored fault would only repeat): the default
  // action, as if tether had never been there. The signal is blocked while
  // this handler runs, so it is delivered as soon as we return.
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(signal, &fallback, nullptr);
  raise(signal);
}

// Two lanes that fault at once would interleave their reports and write
// the recording's file over each other: the second waits until the first
// has written its report (the first then usually ends the process).
std::atomic<bool> g_reporting{false};

void on_fatal_signal(int signal, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  LaneMarker& marker = this_thread_marker();
  if (marker.is_lane != 0 && marker.reported == 0) {
    marker.reported = 1;
    while (g_reporting.exchange(true, std::memory_order_acquire)) {
      sched_yield();
    }
    report(signal, info, marker);
    g_reporting.store(false, std::memory_order_release);
  }
  errno = saved_errno;
  chain(signal, info, context);
}

}  // namespace

Status install_handler() {
  std::lock_guard<std::mutex> lock(g_install_mutex);
  if (g_installed.load()) return Status::kOk;
  // backtrace() loads the unwinder and allocates on its first call: do that
  // now, not inside a signal handler.
  void* warm_up[4];
  backtrace(warm_up, 4);
  for (int signal : kFatalSignals) {
    struct sigaction action {};
    action.sa_sigaction = &on_fatal_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    if (sigaction(signal, &action, &g_replaced[signal]) != 0) {
      TETHER_LOG_ERR("crash handler: sigaction(%d) failed: %s", signal,
                     std::strerror(errno));
      return Status::kInternal;
    }
  }
  g_installed.store(true);
  return Status::kOk;
}

}  // namespace tether::crash
