// A runtime does not survive fork(): in the child, calls on it report
// TETHER_E_FORKED instead of waiting for threads that do not exist there.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <functional>

#include "runtime_test.h"

namespace tether_test {
namespace {

// Exit codes of the child beyond any tether_status value.
constexpr int kChildTimedOut = 200;
constexpr int kChildCrashed = 201;

// Runs `body` in a forked child and returns its result (a tether_status), or
// kChildTimedOut when the child hung, or kChildCrashed.
int RunInChild(const std::function<int()>& body) {
  fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(20);
    ::signal(SIGALRM, [](int) { ::_exit(kChildTimedOut); });
    ::_exit(body());
  }
  if (pid < 0) return -1;
  int wstatus = 0;
  if (::waitpid(pid, &wstatus, 0) != pid) return -1;
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  return kChildCrashed;
}

class ForkTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  }
};

TEST_F(ForkTest, SubmitInChildIsForked) {
  tether_runtime* runtime = rt();
  EXPECT_EQ(RunInChild([runtime] {
              tether_call call = Call(kNoop);
              return tether_submit(runtime, &call, &Collector::Callback, 0,
                                   nullptr);
            }),
            TETHER_E_FORKED);
}

// Exit code of a child whose refusal logged nothing.
constexpr int kChildLoggedNothing = 202;

TEST_F(ForkTest, ARefusalInTheChildSaysWhyInTheLog) {
  tether_runtime* runtime = rt();
  EXPECT_EQ(RunInChild([runtime] {
              // The child's own sink: the parent's capture is not shared.
              static std::atomic<int> lines{0};
              tether_log_set_sink(
                  [](uint64_t, int32_t, const char* message) {
                    if (std::strstr(message, "created before fork()")) ++lines;
                  },
                  0, TETHER_LOG_WARN);
              tether_call call = Call(kNoop);
              const tether_status status = tether_submit(
                  runtime, &call, &Collector::Callback, 0, nullptr);
              return lines.load() == 0 ? kChildLoggedNothing : status;
            }),
            TETHER_E_FORKED);
}

TEST_F(ForkTest, SubmitCqInChildIsForked) {
  tether_cq* raw_cq = nullptr;
  ASSERT_EQ(tether_cq_open(rt(), &raw_cq), TETHER_OK);
  CqPtr cq(raw_cq);
  tether_runtime* runtime = rt();
  EXPECT_EQ(RunInChild([runtime, &cq] {
              tether_call call = Call(kNoop);
              return tether_submit_cq(runtime, &call, cq.get(), 1, nullptr);
            }),
            TETHER_E_FORKED);
}

TEST_F(ForkTest, CancelInChildIsForked) {
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kBlock), &ticket), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kBlock, 1));
  tether_runtime* runtime = rt();
  EXPECT_EQ(
      RunInChild([runtime, ticket] { return tether_cancel(runtime, ticket); }),
      TETHER_E_FORKED);
  Probe::Get().OpenGate();
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK)
      << "the parent's call was touched";
}

TEST_F(ForkTest, ShutdownInChildIsForked) {
  tether_runtime* runtime = rt();
  EXPECT_EQ(RunInChild([runtime] {
              return tether_runtime_shutdown(runtime, TETHER_SHUTDOWN_DRAIN,
                                             1'000'000'000);
            }),
            TETHER_E_FORKED);
}

TEST_F(ForkTest, DestroyInChildIsForked) {
  tether_runtime* runtime = rt();
  EXPECT_EQ(RunInChild([runtime] { return tether_runtime_destroy(runtime); }),
            TETHER_E_FORKED);
}

TEST_F(ForkTest, RecorderDumpInChildIsForked) {
  tether_runtime* runtime = rt();
  EXPECT_EQ(RunInChild([runtime] {
              return tether_recorder_dump(runtime, STDERR_FILENO, 0);
            }),
            TETHER_E_FORKED);
}

TEST_F(ForkTest, StreamOpenInChildIsForked) {
  tether_runtime* runtime = rt();
  EXPECT_EQ(RunInChild([runtime] {
              tether_stream* stream = nullptr;
              return tether_stream_open(runtime, &stream);
            }),
            TETHER_E_FORKED);
}

TEST_F(ForkTest, StreamSubmitInChildIsForked) {
  tether_stream* raw_stream = nullptr;
  ASSERT_EQ(tether_stream_open(rt(), &raw_stream), TETHER_OK);
  StreamPtr stream(raw_stream);
  EXPECT_EQ(RunInChild([&stream] {
              tether_call call = Call(kNoop, {}, 1);
              return tether_stream_submit(stream.get(), &call,
                                          &Collector::Callback, 0, nullptr);
            }),
            TETHER_E_FORKED);
}

TEST_F(ForkTest, CqOpenInChildIsForked) {
  tether_runtime* runtime = rt();
  EXPECT_EQ(RunInChild([runtime] {
              tether_cq* cq = nullptr;
              return tether_cq_open(runtime, &cq);
            }),
            TETHER_E_FORKED);
}

TEST_F(ForkTest, ParentRuntimeKeepsWorkingAfterFork) {
  tether_runtime* runtime = rt();
  ASSERT_EQ(RunInChild([runtime] {
              tether_call call = Call(kNoop);
              return tether_submit(runtime, &call, &Collector::Callback, 0,
                                   nullptr);
            }),
            TETHER_E_FORKED);
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kEcho, "parent")), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->result, "parent");
}

TEST_F(ForkTest, ChildCanOpenItsOwnRuntime) {
#if defined(TETHER_TSAN)
  GTEST_SKIP()
      << "TSan does not support starting threads after a multi-threaded fork";
#endif
  EXPECT_EQ(
      RunInChild([] {
        tether_runtime_config config = Config(1);
        tether_runtime* runtime = nullptr;
        tether_status status =
            tether_runtime_open(TestLibrary(), &config, &runtime, nullptr);
        if (status != TETHER_OK) return status;
        Collector collector(1);
        tether_call call = Call(kEcho, "child");
        status = tether_submit(runtime, &call, &Collector::Callback,
                               collector.user_data(0), nullptr);
        if (status == TETHER_OK && !collector.WaitForTotal(1))
          status = TETHER_E_INTERNAL;
        if (status == TETHER_OK && collector.completion(0)->result != "child") {
          status = TETHER_E_INTERNAL;
        }
        tether_status destroyed = tether_runtime_destroy(runtime);
        return status != TETHER_OK ? status : destroyed;
      }),
      TETHER_OK);
}

}  // namespace
}  // namespace tether_test
