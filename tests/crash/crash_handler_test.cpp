#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>

#include "child_process.h"
#include "tether/library.hpp"
#include "tether/tether.h"

using tether::testing::ChildResult;
using tether::testing::run_in_child;

// Exported (the test binary is linked with -rdynamic) so the report's frames
// can name it. The store goes through a volatile pointer to volatile data:
// a plain store through a constant null is deleted by the compiler. Not
// instrumented: UBSan would stop the process before the fault happens.
extern "C" __attribute__((noinline, visibility("default"),
                          no_sanitize("address", "undefined"))) void
crashing_library_dereference_null() {
  volatile int* volatile target = nullptr;
  *target = 42;
}

namespace {

constexpr uint32_t kCrashMethod = 7;
constexpr int kPreviousHandlerExit = 42;

// The fault waits until the child has written its ticket, so the parent can
// find both in order.
std::atomic<bool> ticket_written{false};

struct CrashingLane {
  explicit CrashingLane(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == kCrashMethod) {
      while (!ticket_written.load()) std::this_thread::yield();
      crashing_library_dereference_null();
    }
    lane.reply(request, "");
  }
  tether::Lane& lane;
};

void previous_handler(int signal, siginfo_t*, void*) {
  char line[64];
  int length =
      snprintf(line, sizeof line, "previous handler saw signal %d\n", signal);
  (void)!write(STDERR_FILENO, line, static_cast<size_t>(length));
  _exit(kPreviousHandlerExit);
}

void install_previous_handler() {
  struct sigaction action {};
  action.sa_sigaction = &previous_handler;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, nullptr);
}

// Opens a runtime, makes the lane fault inside a call, and waits for the
// signal to end the process. Writes the ticket first so the parent can find
// it in the report.
void fault_on_a_lane() {
  tether_runtime* runtime = nullptr;
  if (tether_runtime_open(tether::library_table<CrashingLane>("crashing"),
                          nullptr, &runtime, nullptr) != TETHER_OK) {
    _exit(3);
  }
  tether_call call;
  tether_call_init(&call);
  call.method = kCrashMethod;
  uint64_t ticket = 0;
  if (tether_submit(
          runtime, &call, [](tether_completion*) {}, 0, &ticket) != TETHER_OK) {
    _exit(4);
  }
  std::string line = "submitted ticket " + std::to_string(ticket) + "\n";
  (void)!write(STDERR_FILENO, line.data(), line.size());
  ticket_written.store(true);
  sleep(20);
  _exit(5);  // the fault never came
}

std::string ticket_in(const std::string& text) {
  const std::string marker = "submitted ticket ";
  auto at = text.find(marker);
  if (at == std::string::npos) return "?";
  auto end = text.find('\n', at);
  return text.substr(at + marker.size(), end - at - marker.size());
}

TEST(CrashHandlerTest, InstallsWithOnStackAndSigInfoFlags) {
  // In a child: installing is for good, and later tests need a clean slate.
  ChildResult child = run_in_child([] {
    if (tether_crash_handler_install() != TETHER_OK) _exit(2);
    if (tether_crash_handler_install() != TETHER_OK) _exit(3);  // idempotent
    for (int signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) {
      struct sigaction current {};
      if (sigaction(signal, nullptr, &current) != 0) _exit(4);
      if ((current.sa_flags & SA_ONSTACK) == 0) _exit(5);
      if ((current.sa_flags & SA_SIGINFO) == 0) _exit(6);
    }
  });
  ASSERT_TRUE(child.exited) << child.stderr_text;
  EXPECT_EQ(child.exit_code, 0) << "2: install failed, 3: second install "
                                   "failed, 5: no SA_ONSTACK, 6: no SA_SIGINFO";
}

TEST(CrashHandlerTest, FaultOnALaneIsReportedThenChainedToThePreviousHandler) {
  ChildResult child = run_in_child([] {
    install_previous_handler();
    if (tether_crash_handler_install() != TETHER_OK) _exit(2);
    fault_on_a_lane();
  });
  ASSERT_TRUE(child.exited) << child.stderr_text;
  EXPECT_EQ(child.exit_code, kPreviousHandlerExit) << child.stderr_text;
  const std::string& report = child.stderr_text;
  EXPECT_NE(report.find("tether: fatal SIGSEGV (signal 11) on lane 0"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("of library 'crashing'"), std::string::npos) << report;
  EXPECT_NE(report.find("fault address 0x0"), std::string::npos) << report;
  EXPECT_NE(report.find("method 7, ticket " + ticket_in(report)),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("crashing_library_dereference_null"), std::string::npos)
      << report;
  // The report comes first, then the previous handler, with the same signal.
  auto report_at = report.find("tether: fatal");
  auto previous_at = report.find("previous handler saw signal 11");
  ASSERT_NE(previous_at, std::string::npos) << report;
  EXPECT_LT(report_at, previous_at);
}

TEST(CrashHandlerTest, FaultOffTheLanesReachesThePreviousHandlerUntouched) {
  ChildResult child = run_in_child([] {
    install_previous_handler();
    if (tether_crash_handler_install() != TETHER_OK) _exit(2);
    std::thread([] { crashing_library_dereference_null(); }).join();
  });
  ASSERT_TRUE(child.exited) << child.stderr_text;
  EXPECT_EQ(child.exit_code, kPreviousHandlerExit);
  EXPECT_EQ(child.stderr_text.find("tether: fatal"), std::string::npos)
      << child.stderr_text;
  EXPECT_NE(child.stderr_text.find("previous handler saw signal 11"),
            std::string::npos);
}

#if !defined(TETHER_ASAN) && !defined(TETHER_TSAN)
// Sanitizers install their own SIGSEGV handler, which would be "previous".
TEST(CrashHandlerTest, WithNoPreviousHandlerTheProcessDiesBySigsegv) {
  ChildResult child = run_in_child([] {
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigaction(SIGSEGV, &fallback, nullptr);
    if (tether_crash_handler_install() != TETHER_OK) _exit(2);
    fault_on_a_lane();
  });
  EXPECT_TRUE(child.signalled) << child.stderr_text;
  EXPECT_EQ(child.signal, SIGSEGV);
  EXPECT_NE(child.stderr_text.find("tether: fatal SIGSEGV"), std::string::npos);
}
#endif

}  // namespace
