// Each misuse runs in a child process, through the public C API. In a build
// with AddressSanitizer, debug mode poisons the guards and quarantined
// blocks, so ASan stops the child at the bad write itself; elsewhere tether
// reports the misuse and the child exits with the status it got. Double and
// foreign frees never crash, with or without ASan.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tether/buffer.h"
#include "tether/status.h"

namespace {

// Runs in the child: a misuse, then the status that reported it.
using Misuse = tether_status (*)();

[[noreturn]] void exit_with(Misuse misuse) {
  tether_status status = misuse();
  uint64_t live = 0;
  tether_buf_live(&live, nullptr);
  // A non-zero count would mean the misuse leaked a buffer.
  std::exit(live == 0 ? status : 100);
}

tether_status write_past_the_end() {
  tether_buf_set_mode(TETHER_BUF_MODE_DEBUG);
  auto* data = static_cast<unsigned char*>(tether_buf_alloc_tagged(24, "make"));
  volatile unsigned char* past_end = data + 24;
  *past_end = 0x41;
  return tether_buf_free_tagged(data, "drop");
}

tether_status write_before_the_start() {
  tether_buf_set_mode(TETHER_BUF_MODE_DEBUG);
  auto* data = static_cast<unsigned char*>(tether_buf_alloc_tagged(24, "make"));
  volatile unsigned char* before_start = data - 3;
  *before_start = 0x41;
  return tether_buf_free_tagged(data, "drop");
}

tether_status write_after_free() {
  tether_buf_set_mode(TETHER_BUF_MODE_DEBUG);
  auto* data = static_cast<unsigned char*>(tether_buf_alloc_tagged(24, "make"));
  tether_buf_free_tagged(data, "drop");
  volatile unsigned char* stale = data + 8;
  *stale = 0x41;
  return tether_buf_check_all();
}

#if defined(TETHER_ASAN)
tether_status release_mode_write_after_free() {
  tether_buf_set_mode(TETHER_BUF_MODE_RELEASE);
  auto* data = static_cast<unsigned char*>(tether_buf_alloc(24));
  tether_buf_free(data);
  volatile unsigned char* stale = data + 8;
  *stale = 0x41;
  return TETHER_OK;
}
#endif

tether_status double_free_in_debug_mode() {
  tether_buf_set_mode(TETHER_BUF_MODE_DEBUG);
  void* data = tether_buf_alloc_tagged(24, "make");
  tether_buf_free_tagged(data, "drop");
  return tether_buf_free_tagged(data, "drop_again");
}

tether_status foreign_free() {
  tether_buf_set_mode(TETHER_BUF_MODE_DEBUG);
  void* foreign = std::malloc(24);
  tether_status status = tether_buf_free_tagged(foreign, "host");
  std::free(foreign);
  return status;
}

class BufferMisuseDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

#if defined(TETHER_ASAN)

TEST_F(BufferMisuseDeathTest, WritePastTheEndStopsAtTheWrite) {
  EXPECT_DEATH(exit_with(&write_past_the_end),
               "use-after-poison.*WRITE of size 1.*write_past_the_end");
}

TEST_F(BufferMisuseDeathTest, WriteBeforeTheStartStopsAtTheWrite) {
  EXPECT_DEATH(exit_with(&write_before_the_start),
               "use-after-poison.*WRITE of size 1.*write_before_the_start");
}

TEST_F(BufferMisuseDeathTest, WriteAfterFreeStopsAtTheWrite) {
  EXPECT_DEATH(exit_with(&write_after_free),
               "use-after-poison.*WRITE of size 1.*write_after_free");
}

TEST_F(BufferMisuseDeathTest, ReleaseModeWriteAfterFreeIsCaughtByAsanItself) {
  EXPECT_DEATH(exit_with(&release_mode_write_after_free),
               "use-after-poison.*WRITE of size 1");
}

#else

TEST_F(BufferMisuseDeathTest, WritePastTheEndIsReportedNotACrash) {
  EXPECT_EXIT(exit_with(&write_past_the_end),
              ::testing::ExitedWithCode(TETHER_E_BUFFER_CORRUPT),
              "guard after the end overwritten.*byte 24 is 0x41.*"
              "allocated at make; freed at drop");
}

TEST_F(BufferMisuseDeathTest, WriteBeforeTheStartIsReportedNotACrash) {
  EXPECT_EXIT(exit_with(&write_before_the_start),
              ::testing::ExitedWithCode(TETHER_E_BUFFER_CORRUPT),
              "guard before the start overwritten.*byte -3 is 0x41.*"
              "allocated at make; freed at drop");
}

TEST_F(BufferMisuseDeathTest, WriteAfterFreeIsReportedNotACrash) {
  EXPECT_EXIT(exit_with(&write_after_free),
              ::testing::ExitedWithCode(TETHER_E_BUFFER_CORRUPT),
              "write after free.*byte 8 is 0x41.*"
              "allocated at make; freed at drop");
}

#endif

TEST_F(BufferMisuseDeathTest, DoubleFreeIsAStatusEvenInDebugMode) {
  EXPECT_EXIT(exit_with(&double_free_in_debug_mode),
              ::testing::ExitedWithCode(TETHER_E_DOUBLE_FREE),
              "double free.*allocated at make; first freed at drop; "
              "freed again at drop_again");
}

TEST_F(BufferMisuseDeathTest, ForeignFreeIsAStatus) {
  EXPECT_EXIT(exit_with(&foreign_free),
              ::testing::ExitedWithCode(TETHER_E_FOREIGN_BUFFER),
              "not allocated by tether.*called at host");
}

}  // namespace
