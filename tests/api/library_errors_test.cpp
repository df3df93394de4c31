// What a library gets wrong, and a host callback that throws.
#include <atomic>
#include <stdexcept>

#include "log_capture.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

using LibraryErrorsTest = RuntimeTest;

TEST_F(LibraryErrorsTest,
       HandlerExceptionCompletesWithLibraryErrorAndItsMessage) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, Call(kThrow, "the library fell over")),
            TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  Completion c = *collector.completion(0);
  EXPECT_EQ(c.status, TETHER_E_LIBRARY);
  EXPECT_EQ(c.library_code, -1);
  ASSERT_TRUE(c.has_error);
  EXPECT_EQ(c.error, "the library fell over");
  EXPECT_EQ(c.error_len, c.error.size());
  EXPECT_FALSE(c.has_result);
  EXPECT_EQ(Stats(rt()).completed_library, 1u);
}

TEST_F(LibraryErrorsTest, ReplyErrorCarriesCodeAndMessage) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  std::string payload = EncodeU64(42) + "no such key";
  ASSERT_EQ(Submit(collector, 0, Call(kReplyError, payload)), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  Completion c = *collector.completion(0);
  EXPECT_EQ(c.status, TETHER_E_LIBRARY);
  EXPECT_EQ(c.library_code, 42);
  EXPECT_EQ(c.error, "no such key");
}

TEST_F(LibraryErrorsTest, SecondReplyIsAlreadyCompletedAndItsResultFreed) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  const uint64_t live_before = LiveBuffers();
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kReplyTwice), &ticket), TETHER_OK);
  EXPECT_EQ(Probe::Get().WaitStatus(ticket), TETHER_E_ALREADY_COMPLETED);
  ASSERT_TRUE(collector.WaitForTotal(1));
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(collector.total(), 1u);
  EXPECT_EQ(collector.completion(0)->result, "first");
  EXPECT_EQ(LiveBuffers(), live_before);
  EXPECT_EQ(Stats(rt()).late_replies, 1u);
}

TEST_F(LibraryErrorsTest, UnrepliedCallCompletesWithClosedAtShutdown) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(2)));
  Collector collector(2);
  ASSERT_EQ(Submit(collector, 0, Call(kNeverReply, {}, 0)), TETHER_OK);
  ASSERT_EQ(Submit(collector, 1, Call(kNeverReply, {}, 1)), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, 2));
  EXPECT_EQ(collector.total(), 0u);
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  EXPECT_EQ(collector.with_status(TETHER_E_CLOSED), 2u);
  EXPECT_EQ(collector.total(), 2u);
}

TEST_F(LibraryErrorsTest, ReplyFromAnotherThreadIsWrongThread) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  const uint64_t live_before = LiveBuffers();
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kReplyFromOtherThread), &ticket),
            TETHER_OK);
  EXPECT_EQ(Probe::Get().WaitStatus(ticket), TETHER_E_WRONG_THREAD);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(collector.completion(0)->result, "lane");
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(LiveBuffers(), live_before)
      << "the refused reply's result was not freed";
}

TEST_F(LibraryErrorsTest,
       ReplyWithForeignBufferIsInvalidArgAndCompletesWithLibraryError) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, Call(kReplyForeignBuffer), &ticket),
            TETHER_OK);
  EXPECT_EQ(Probe::Get().WaitStatus(ticket), TETHER_E_INVALID_ARG);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_LIBRARY);
}

TEST_F(LibraryErrorsTest, FailingLaneStartFailsOpenWithLoad) {
  tether_runtime_config config = Config(2);
  tether_runtime* runtime = nullptr;
  char* error = nullptr;
  EXPECT_EQ(
      tether_runtime_open(FailingLaneStartLibrary(), &config, &runtime, &error),
      TETHER_E_LOAD);
  EXPECT_NE(error, nullptr);
  EXPECT_EQ(tether_buf_free(error), TETHER_OK);
}

TEST_F(LibraryErrorsTest, ThrowingLaneStateConstructorFailsOpenWithLoad) {
  LogCapture log;
  tether_runtime_config config = Config(1);
  tether_runtime* runtime = nullptr;
  char* error = nullptr;
  EXPECT_EQ(
      tether_runtime_open(ThrowingStateLibrary(), &config, &runtime, &error),
      TETHER_E_LOAD);
  EXPECT_TRUE(log.Contains("lane state refused to start"));
  EXPECT_EQ(tether_buf_free(error), TETHER_OK);
}

std::atomic<int> g_throwing_callbacks{0};

void ThrowingCallback(tether_completion* completion) {
  tether_buf_free(completion->result);
  tether_buf_free(completion->error);
  ++g_throwing_callbacks;
  throw std::runtime_error("host callback threw");
}

void ExpectThrowingCallbackIsContained(tether_runtime* runtime) {
  LogCapture log;
  g_throwing_callbacks = 0;
  tether_call call = Call(kNoop);
  ASSERT_EQ(tether_submit(runtime, &call, &ThrowingCallback, 0, nullptr),
            TETHER_OK);
  ASSERT_TRUE(
      WaitUntil([&] { return Stats(runtime).callback_exceptions == 1; }));
  EXPECT_EQ(g_throwing_callbacks.load(), 1);
  EXPECT_TRUE(WaitUntil([&] { return log.count() > 0; }));
  Collector collector(1);
  ASSERT_EQ(tether_submit(runtime, &call, &Collector::Callback,
                          collector.user_data(0), nullptr),
            TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
}

TEST_F(LibraryErrorsTest,
       ThrowingCallbackOnLaneIsCountedAndTheRuntimeKeepsWorking) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1, TETHER_DELIVER_ON_LANE)));
  ExpectThrowingCallbackIsContained(rt());
}

TEST_F(LibraryErrorsTest,
       ThrowingCallbackOnDeliveryThreadIsCountedAndTheRuntimeKeepsWorking) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1, TETHER_DELIVER_ON_THREAD)));
  ExpectThrowingCallbackIsContained(rt());
}

}  // namespace
}  // namespace tether_test
