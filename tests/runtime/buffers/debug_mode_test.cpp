// What debug mode adds: fill patterns, guards after and before the data,
// and the quarantine that catches a write after free. Under ASan the guards
// and quarantined blocks are poisoned, so the writes here would stop the
// process: those cases live in tests/buffers_death and are skipped here.
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "buffer_test_fixture.h"
#include "buffers/buffer_allocator.h"
#include "buffers/integrity_check.h"
#include "buffers/site_tags.h"
#include "buffers/site_totals.h"
#include "tether/buffer.h"

namespace tether::buffers {
namespace {

class DebugModeTest : public BufferModeTest {};

Site tag(const char* text) { return Site{intern_site_tag(text), nullptr}; }

#if defined(TETHER_ASAN)
#define SKIP_UNDER_ASAN() \
  GTEST_SKIP() << "poisoned under ASan: see tests/buffers_death"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

TEST_P(DebugModeTest, NewBytesHoldTheNewPattern) {
  auto* data = static_cast<unsigned char*>(allocate(37));
  for (int i = 0; i < 37; ++i) ASSERT_EQ(data[i], TETHER_BUF_NEW_BYTE) << i;
  EXPECT_EQ(release(data), Status::kOk);
}

TEST_P(DebugModeTest, FreedBytesHoldTheFreedPatternWhileQuarantined) {
  SKIP_UNDER_ASAN();
  auto* data = static_cast<unsigned char*>(allocate(40));
  std::memset(data, 0x11, 40);
  ASSERT_EQ(release(data), Status::kOk);
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(data[i], TETHER_BUF_FREED_BYTE) << i;  // reading is harmless
  }
}

TEST_P(DebugModeTest, WritingEveryByteOfTheBufferIsNoDamage) {
  for (std::size_t size : {0, 1, 15, 16, 17, 64, 4096}) {
    auto* data = static_cast<unsigned char*>(allocate(size));
    std::memset(data, 0xFB, size);  // even the guard byte itself
    EXPECT_EQ(check_all(), Status::kOk) << size;
    EXPECT_EQ(release(data), Status::kOk) << size;
  }
  EXPECT_TRUE(log_.lines().empty());
}

TEST_P(DebugModeTest, WritePastTheEndIsReportedOnFreeWithBothSites) {
  SKIP_UNDER_ASAN();
  uint64_t before = problems(TETHER_BUF_PROBLEM_OVERWRITE);
  auto* data = static_cast<unsigned char*>(allocate_at(20, tag("fill_row")));
  volatile unsigned char* past_end = data + 20;
  *past_end = 0;
  EXPECT_EQ(release_at(data, tag("drop_row")), Status::kBufferCorrupt);
  std::string line = log_.line_with("guard after the end overwritten");
  EXPECT_NE(line.find("byte 20 is 0x00, expected 0xfb"), std::string::npos)
      << line;
  EXPECT_NE(line.find("20 bytes, debug mode"), std::string::npos) << line;
  EXPECT_NE(line.find("allocated at fill_row"), std::string::npos) << line;
  EXPECT_NE(line.find("freed at drop_row"), std::string::npos) << line;
  EXPECT_NE(line.find("found by tether_buf_free"), std::string::npos) << line;
  EXPECT_EQ(problems(TETHER_BUF_PROBLEM_OVERWRITE), before + 1);
  EXPECT_EQ(release(data), Status::kDoubleFree);
}

TEST_P(DebugModeTest, WriteIntoThePaddingAfterTheEndIsAnOverwrite) {
  SKIP_UNDER_ASAN();
  auto* data = static_cast<unsigned char*>(allocate(17));
  volatile unsigned char* in_padding = data + 30;
  *in_padding = 1;
  EXPECT_EQ(release(data), Status::kBufferCorrupt);
  log_.line_with("byte 30 is 0x01");
}

TEST_P(DebugModeTest, CheckAllFindsALiveOverwriteAndCountsItOnce) {
  SKIP_UNDER_ASAN();
  uint64_t before = problems(TETHER_BUF_PROBLEM_OVERWRITE);
  auto* data = static_cast<unsigned char*>(allocate_at(8, tag("live_one")));
  volatile unsigned char* past_end = data + 9;
  *past_end = 0x42;
  EXPECT_EQ(check_all(), Status::kBufferCorrupt);
  std::string line = log_.line_with("found by tether_buf_check_all");
  EXPECT_NE(line.find("allocated at live_one"), std::string::npos) << line;
  EXPECT_EQ(check_all(), Status::kBufferCorrupt);  // still damaged
  EXPECT_EQ(release(data), Status::kBufferCorrupt);
  EXPECT_EQ(problems(TETHER_BUF_PROBLEM_OVERWRITE), before + 1);
  EXPECT_EQ(check_all(), Status::kOk);  // retired blocks are not live
}

TEST_P(DebugModeTest, WriteAfterFreeIsReportedWhenTheBlockLeavesQuarantine) {
  SKIP_UNDER_ASAN();
  uint64_t before = problems(TETHER_BUF_PROBLEM_WRITE_AFTER_FREE);
  auto* data = static_cast<unsigned char*>(allocate_at(64, tag("make_msg")));
  ASSERT_EQ(release_at(data, tag("send_msg")), Status::kOk);
  volatile unsigned char* stale = data + 5;
  *stale = 0x33;
  EXPECT_EQ(drain_quarantine(), Status::kBufferCorrupt);
  std::string line = log_.line_with("write after free");
  EXPECT_NE(line.find("byte 5 is 0x33, expected 0xdb"), std::string::npos)
      << line;
  EXPECT_NE(line.find("allocated at make_msg"), std::string::npos) << line;
  EXPECT_NE(line.find("freed at send_msg"), std::string::npos) << line;
  EXPECT_NE(line.find("found by leaving quarantine"), std::string::npos)
      << line;
  EXPECT_EQ(problems(TETHER_BUF_PROBLEM_WRITE_AFTER_FREE), before + 1);
}

TEST_P(DebugModeTest, WriteAfterFreeIsFoundByCheckAllAndRepaired) {
  SKIP_UNDER_ASAN();
  uint64_t before = problems(TETHER_BUF_PROBLEM_WRITE_AFTER_FREE);
  auto* data = static_cast<unsigned char*>(allocate_at(64, tag("a")));
  ASSERT_EQ(release_at(data, tag("b")), Status::kOk);
  volatile unsigned char* stale = data;
  *stale = 0;
  EXPECT_EQ(check_all(), Status::kBufferCorrupt);
  EXPECT_NE(log_.line_with("write after free")
                .find("found by "
                      "tether_buf_check_all"),
            std::string::npos);
  EXPECT_EQ(check_all(), Status::kOk);  // repaired
  EXPECT_EQ(drain_quarantine(), Status::kOk);
  EXPECT_EQ(problems(TETHER_BUF_PROBLEM_WRITE_AFTER_FREE), before + 1);
}

TEST_P(DebugModeTest, QuarantineStaysWithinItsBounds) {
  for (std::size_t i = 0; i < kQuarantineBlocks + 100; ++i) {
    ASSERT_EQ(release(allocate(8)), Status::kOk);
  }
  uint64_t count = 0;
  uint64_t bytes = 0;
  quarantine_totals(&count, &bytes);
  EXPECT_EQ(count, kQuarantineBlocks);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(release(allocate(kQuarantineMaxBlockBytes)), Status::kOk);
  }
  quarantine_totals(&count, &bytes);
  EXPECT_LE(bytes, kQuarantineBytes);
  EXPECT_TRUE(log_.lines().empty());
}

TEST_P(DebugModeTest, BlocksTooLargeForTheQuarantineAreFreedAtOnce) {
  uint64_t before = 0;
  quarantine_totals(&before, nullptr);
  ASSERT_EQ(release(allocate(kQuarantineMaxBlockBytes + 1)), Status::kOk);
  uint64_t after = 0;
  quarantine_totals(&after, nullptr);
  EXPECT_EQ(after, before);
}

TEST_P(DebugModeTest, ConcurrentUseAndChecksFindNothingWrong) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> users;
  for (int t = 0; t < 4; ++t) {
    users.emplace_back([t] {
      for (int i = 0; i < 2000; ++i) {
        std::size_t size = 1 + (i * 7 + t) % 200;
        auto* data = static_cast<unsigned char*>(allocate(size));
        std::memset(data, t, size);
        ASSERT_EQ(release(data), Status::kOk);
      }
    });
  }
  std::thread checker([&] {
    while (!stop.load()) {
      EXPECT_EQ(check_all(), Status::kOk);
      live_by_site();
    }
  });
  for (std::thread& user : users) user.join();
  stop = true;
  checker.join();
  EXPECT_TRUE(log_.lines().empty());
}

INSTANTIATE_TEST_SUITE_P(Debug, DebugModeTest, ::testing::Values(Mode::kDebug),
                         mode_test_name);

}  // namespace
}  // namespace tether::buffers
