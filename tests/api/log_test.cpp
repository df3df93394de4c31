// The log sink hand-over: once tether_log_set_sink returns, the previous
// sink is done and never called again.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "runtime_test.h"

namespace tether_test {
namespace {

struct BlockingSink {
  std::atomic<bool> entered{false};
  std::atomic<bool> release{false};
  std::atomic<bool> left{false};
  std::atomic<int> calls_after_swap{0};
  std::atomic<bool> swapped{false};

  static void Write(uint64_t user_data, int32_t, const char*) {
    auto* self = reinterpret_cast<BlockingSink*>(user_data);
    if (self->swapped.load()) self->calls_after_swap.fetch_add(1);
    if (self->entered.exchange(true)) return;  // only the first line blocks
    while (!self->release.load()) std::this_thread::yield();
    self->left.store(true);
  }
};

void LogOneWarning() {
  void* foreign = std::malloc(8);
  EXPECT_EQ(tether_buf_free(foreign), TETHER_E_FOREIGN_BUFFER);  // logs
  std::free(foreign);
}

void QuietSink(uint64_t, int32_t, const char*) {}

TEST(LogSinkTest, SetSinkReturnsOnlyOnceThePreviousSinkHasReturned) {
  BlockingSink old_sink;
  ASSERT_EQ(tether_log_set_sink(&BlockingSink::Write,
                                reinterpret_cast<uint64_t>(&old_sink),
                                TETHER_LOG_WARN),
            TETHER_OK);
  std::thread logger(LogOneWarning);
  while (!old_sink.entered.load()) std::this_thread::yield();
  std::atomic<bool> left_when_swap_returned{false};
  std::thread swapper([&] {
    EXPECT_EQ(tether_log_set_sink(&QuietSink, 0, TETHER_LOG_WARN), TETHER_OK);
    old_sink.swapped.store(true);
    left_when_swap_returned.store(old_sink.left.load());
  });
  // The swapper must be waiting for the old sink's line by now; letting
  // that line go a while later shows whether it did wait.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  old_sink.release.store(true);
  swapper.join();
  logger.join();
  EXPECT_TRUE(left_when_swap_returned.load())
      << "tether_log_set_sink returned while the old sink was still running";
  LogOneWarning();
  EXPECT_EQ(old_sink.calls_after_swap.load(), 0);
  EXPECT_EQ(tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN), TETHER_OK);
}

TEST(LogSinkTest, ASinkThatLogsThroughTetherDoesNotHoldUpTheNextSwap) {
  // A sink may call tether functions that log again (here: a foreign free).
  static std::atomic<int> depth{0};
  auto reentrant = [](uint64_t, int32_t, const char*) {
    if (depth.fetch_add(1) == 0) LogOneWarning();
    depth.fetch_sub(1);
  };
  ASSERT_EQ(tether_log_set_sink(reentrant, 0, TETHER_LOG_WARN), TETHER_OK);
  LogOneWarning();
  EXPECT_EQ(tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN), TETHER_OK);
}

}  // namespace
}  // namespace tether_test
