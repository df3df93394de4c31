// Misuses both modes detect: double free, foreign pointers, a write just
// before the data (the header check), and a mode switch under live buffers.
#include <cstdlib>
#include <cstring>

#include "buffer_test_fixture.h"
#include "buffers/buffer_allocator.h"
#include "buffers/integrity_check.h"
#include "buffers/site_tags.h"
#include "tether/buffer.h"

namespace tether::buffers {
namespace {

using MisuseTest = BufferModeTest;

Site tag(const char* text) { return Site{intern_site_tag(text), nullptr}; }

TEST_P(MisuseTest, DoubleFreeNamesAllocationFirstFreeAndSecondFree) {
  uint64_t before = problems(TETHER_BUF_PROBLEM_DOUBLE_FREE);
  void* data = allocate_at(48, tag("decode_reply"));
  ASSERT_EQ(release_at(data, tag("first_owner")), Status::kOk);
  EXPECT_EQ(release_at(data, tag("second_owner")), Status::kDoubleFree);
  std::string line = log_.line_with("double free");
  EXPECT_NE(line.find("48 bytes"), std::string::npos) << line;
  EXPECT_NE(line.find("allocated at decode_reply"), std::string::npos) << line;
  EXPECT_NE(line.find("first freed at first_owner"), std::string::npos) << line;
  EXPECT_NE(line.find("freed again at second_owner"), std::string::npos)
      << line;
  EXPECT_EQ(problems(TETHER_BUF_PROBLEM_DOUBLE_FREE), before + 1);
}

TEST_P(MisuseTest, DoubleFreeAfterTheQuarantineIsStillNamed) {
  void* data = allocate_at(16, tag("early"));
  ASSERT_EQ(release(data), Status::kOk);
  ASSERT_EQ(drain_quarantine(), Status::kOk);
  EXPECT_EQ(release(data), Status::kDoubleFree);
  EXPECT_NE(log_.line_with("double free").find("allocated at early"),
            std::string::npos);
}

TEST_P(MisuseTest, UntaggedSitesNameTheCallingModule) {
  void* data = allocate(8);
  ASSERT_EQ(release(data), Status::kOk);
  EXPECT_EQ(release(data), Status::kDoubleFree);
  std::string line = log_.line_with("double free");
  // Three sites, each in this test binary, as module+offset.
  std::size_t mentions = 0;
  for (std::size_t at = line.find("tether_runtime_tests+0x");
       at != std::string::npos;
       at = line.find("tether_runtime_tests+0x", at + 1)) {
    ++mentions;
  }
  EXPECT_EQ(mentions, 3u) << line;
}

TEST_P(MisuseTest, ForeignPointerIsReportedNotReadAndNotFreed) {
  uint64_t before = problems(TETHER_BUF_PROBLEM_FOREIGN);
  auto* foreign = static_cast<unsigned char*>(std::malloc(64));
  std::memset(foreign, 0x5A, 64);
  EXPECT_EQ(release_at(foreign, tag("host_free")), Status::kForeignBuffer);
  EXPECT_EQ(foreign[0], 0x5A);
  std::string line = log_.line_with("was not allocated by tether");
  EXPECT_NE(line.find("called at host_free"), std::string::npos) << line;
  EXPECT_EQ(problems(TETHER_BUF_PROBLEM_FOREIGN), before + 1);
  std::free(foreign);
}

TEST_P(MisuseTest, PointerIntoTheMiddleOfABufferIsForeign) {
  // Unaligned, so it cannot be the remembered address of an older buffer.
  auto* data = static_cast<unsigned char*>(allocate(64));
  EXPECT_EQ(release(data + 1), Status::kForeignBuffer);
  EXPECT_EQ(release(data), Status::kOk);
}

TEST_P(MisuseTest, WriteJustBeforeTheDataIsCorruptionAndTheBlockIsRetired) {
  // Release mode: lands on the header's magic. Debug: on the front guard.
  uint64_t before = problems(TETHER_BUF_PROBLEM_UNDERWRITE);
  auto* data = static_cast<unsigned char*>(allocate_at(32, tag("parse")));
#if defined(TETHER_ASAN)
  if (GetParam() == Mode::kDebug) {
    release(data);
    GTEST_SKIP() << "under ASan the guard is poisoned: tests/buffers_death";
  }
#endif
  volatile unsigned char* before_start = data - 1;
  *before_start = 0x41;
  EXPECT_EQ(release_at(data, tag("cleanup")), Status::kBufferCorrupt);
  std::string line = log_.line_with("found by tether_buf_free");
  EXPECT_NE(line.find("32 bytes"), std::string::npos) << line;
  if (GetParam() == Mode::kDebug) {
    EXPECT_NE(line.find("guard before the start overwritten"),
              std::string::npos)
        << line;
    EXPECT_NE(line.find("byte -1 is 0x41, expected 0xfb"), std::string::npos)
        << line;
    EXPECT_NE(line.find("allocated at parse"), std::string::npos) << line;
    EXPECT_NE(line.find("freed at cleanup"), std::string::npos) << line;
  } else {
    // The magic is what was hit, so the header's sites are not trusted.
    EXPECT_NE(line.find("header overwritten"), std::string::npos) << line;
  }
  EXPECT_EQ(problems(TETHER_BUF_PROBLEM_UNDERWRITE), before + 1);
  // Retired: freed for the caller, never freed again.
  EXPECT_FALSE(is_live(data));
  EXPECT_EQ(release(data), Status::kDoubleFree);
}

TEST_P(MisuseTest, CheckAllIsOkWhenNothingIsDamaged) {
  void* a = allocate(10);
  void* b = allocate(4096);
  std::memset(a, 1, 10);
  std::memset(b, 2, 4096);
  ASSERT_EQ(release(b), Status::kOk);
  EXPECT_EQ(check_all(), Status::kOk);
  EXPECT_EQ(release(a), Status::kOk);
}

TEST_P(MisuseTest, BuffersKeepTheModeTheyWereAllocatedIn) {
  Mode other = GetParam() == Mode::kDebug ? Mode::kRelease : Mode::kDebug;
  void* first = allocate(100);
  ASSERT_EQ(set_mode(static_cast<int32_t>(other)), Status::kOk);
  void* second = allocate(100);
  std::memset(first, 7, 100);
  std::memset(second, 7, 100);
  EXPECT_EQ(check_all(), Status::kOk);
  EXPECT_EQ(release(first), Status::kOk);
  EXPECT_EQ(release(second), Status::kOk);
  EXPECT_EQ(release(first), Status::kDoubleFree);
  EXPECT_EQ(release(second), Status::kDoubleFree);
}

TEST_P(MisuseTest, SizeOfAFreedBufferIsForeignWithoutReadingIt) {
  void* data = allocate(24);
  std::size_t size = 0;
  ASSERT_EQ(size_of(data, &size), Status::kOk);
  EXPECT_EQ(size, 24u);
  ASSERT_EQ(release(data), Status::kOk);
  EXPECT_EQ(size_of(data, &size), Status::kForeignBuffer);
}

INSTANTIATE_TEST_SUITE_P(BothModes, MisuseTest,
                         ::testing::Values(Mode::kRelease, Mode::kDebug),
                         mode_test_name);

TEST(BufferModeTest, OnlyTheTwoModesAreAccepted) {
  Mode before = current_mode();
  EXPECT_EQ(set_mode(2), Status::kInvalidArg);
  EXPECT_EQ(set_mode(-1), Status::kInvalidArg);
  EXPECT_EQ(current_mode(), before);
}

}  // namespace
}  // namespace tether::buffers
