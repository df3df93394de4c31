// Refusals a busy host meets over and over (every request slot held) log a
// line at a bounded rate, not once per refused submit: the host's log sink
// runs on the submitting thread.
#include <chrono>
#include <thread>

#include "log_capture.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

using LogRateTest = RuntimeTest;

TEST_F(LogRateTest, RepeatedSlotExhaustionLogsFarFewerLinesThanRefusals) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 1;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  // Cancelled calls the library never replies to keep their slots: fill
  // every one of them.
  Collector held(1024);
  size_t submitted = 0;
  for (;; ++submitted) {
    ASSERT_LT(submitted, 1024u);
    uint64_t ticket = 0;
    // The last call's credit came back before its callback ran.
    tether_status status = Submit(held, submitted, Call(kNeverReply), &ticket);
    if (status == TETHER_E_BUSY) break;  // no slot left
    ASSERT_EQ(status, TETHER_OK);
    ASSERT_TRUE(Probe::Get().WaitStarted(kNeverReply, submitted + 1));
    ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
    ASSERT_TRUE(held.WaitForTotal(submitted + 1));
  }
  ASSERT_GT(submitted, 0u);

  LogCapture log;
  constexpr size_t kRefusals = 200;
  Collector refused(1);
  for (size_t i = 0; i < kRefusals; ++i) {
    ASSERT_EQ(Submit(refused, 0, Call(kNoop)), TETHER_E_BUSY);
  }
  size_t lines = 0;
  for (const LogLine& line : log.lines()) {
    if (line.message.find("every request slot is held") != std::string::npos)
      ++lines;
  }
  // One line a second: fewer than half would need 100 s of refusals.
  EXPECT_LT(lines, kRefusals / 2);
  EXPECT_EQ(refused.total(), 0u);
}

TEST_F(LogRateTest, CallsAfterShutdownAreClosedAndSaySoAtABoundedRate) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  // Past any line an earlier test in this process wrote within the period.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  LogCapture log;
  constexpr size_t kRefusals = 200;
  Collector refused(1);
  for (size_t i = 0; i < kRefusals; ++i) {
    ASSERT_EQ(Submit(refused, 0, Call(kNoop)), TETHER_E_CLOSED);
  }
  size_t lines = 0;
  for (const LogLine& line : log.lines()) {
    if (line.message.find("submit: the runtime is shut down") !=
        std::string::npos)
      ++lines;
  }
  EXPECT_GE(lines, 1u) << "a refusal after shutdown says why";
  EXPECT_LT(lines, kRefusals / 2);
  EXPECT_EQ(refused.total(), 0u);
}

}  // namespace
}  // namespace tether_test
