// The crash report, recorder part included, allocates nothing: this binary
// replaces malloc and its kin, and once the library is about to fault on
// its lane any call to them ends the process with kAllocatedExit instead
// of the signal. (A report that allocated could deadlock when the fault
// came inside malloc.) Not built with sanitizers, which own malloc.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>

#include "child_process.h"
#include "tether/library.hpp"
#include "tether/tether.h"

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* data, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* data);
}

namespace {

constexpr int kAllocatedExit = 77;
std::atomic<bool> g_allocation_forbidden{false};

void check_allowed() {
  if (!g_allocation_forbidden.load(std::memory_order_relaxed)) return;
  static const char kLine[] = "allocation inside the crash report\n";
  (void)!write(STDERR_FILENO, kLine, sizeof kLine - 1);
  _exit(kAllocatedExit);
}

}  // namespace

extern "C" {
void* malloc(size_t size) {
  check_allowed();
  return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) {
  check_allowed();
  return __libc_calloc(count, size);
}
void* realloc(void* data, size_t size) {
  check_allowed();
  return __libc_realloc(data, size);
}
void free(void* data) {
  if (data != nullptr) check_allowed();
  __libc_free(data);
}
void* aligned_alloc(size_t alignment, size_t size) {
  check_allowed();
  return __libc_memalign(alignment, size);
}
void* memalign(size_t alignment, size_t size) {
  check_allowed();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) {
  check_allowed();
  void* data = __libc_memalign(alignment, size);
  if (data == nullptr) return ENOMEM;
  *out = data;
  return 0;
}
}

extern "C" __attribute__((noinline, visibility("default"))) void
allocation_test_dereference_null() {
  volatile int* volatile target = nullptr;
  *target = 1;
}

namespace {

constexpr uint32_t kCrash = 2;

struct FaultingLane {
  explicit FaultingLane(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    if (request.method() == kCrash) {
      g_allocation_forbidden.store(true);
      allocation_test_dereference_null();
    }
    lane.reply(request, request.payload());
  }
  tether::Lane& lane;
};

TEST(CrashReportAllocationTest, TheReportAndTheRecordingFileAllocateNothing) {
  char pattern[] = "/tmp/tether-report-allocation-XXXXXX";
  const char* made = mkdtemp(pattern);
  ASSERT_NE(made, nullptr);
  const std::string dir = made;
  tether::testing::ChildResult child = tether::testing::run_in_child([&] {
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigaction(SIGSEGV, &fallback, nullptr);
    if (tether_crash_handler_install() != TETHER_OK) _exit(2);
    tether_runtime_config config;
    tether_runtime_config_init(&config);
    config.recorder_entries = 256;
    config.capture_bytes = 4096;
    config.capture_dir = dir.c_str();
    tether_runtime* runtime = nullptr;
    if (tether_runtime_open(tether::library_table<FaultingLane>("faulting"),
                            &config, &runtime, nullptr) != TETHER_OK) {
      _exit(3);
    }
    static std::atomic<bool> echoed{false};
    tether_call call;
    tether_call_init(&call);
    call.method = 1;
    call.payload = "before";
    call.payload_len = 6;
    auto done = [](tether_completion* c) {
      tether_buf_free(c->result);
      echoed.store(true);
    };
    if (tether_submit(runtime, &call, done, 0, nullptr) != TETHER_OK) _exit(4);
    while (!echoed.load()) usleep(100);
    call.method = kCrash;
    if (tether_submit(
            runtime, &call, [](tether_completion*) {}, 0, nullptr) !=
        TETHER_OK) {
      _exit(5);
    }
    sleep(20);
    _exit(6);
  });
  EXPECT_FALSE(child.exited && child.exit_code == kAllocatedExit)
      << child.stderr_text;
  ASSERT_TRUE(child.signalled) << child.stderr_text;
  EXPECT_EQ(child.signal, SIGSEGV);
  EXPECT_NE(child.stderr_text.find("RUNNING (the call in flight)"),
            std::string::npos)
      << child.stderr_text;
  EXPECT_NE(child.stderr_text.find("tether: recording written to " + dir),
            std::string::npos)
      << child.stderr_text;
  std::string cleanup = "rm -rf " + dir;
  (void)!system(cleanup.c_str());
}

}  // namespace
