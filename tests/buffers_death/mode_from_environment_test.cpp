// The buffer mode is read from TETHER_BUFFERS once, at the allocator's first
// use. Each test runs in its own process, started by ctest with the
// variable set (see CMakeLists.txt), and must be the first to use buffers.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "tether/buffer.h"
#include "tether/log.h"
#include "tether/status.h"

namespace {

std::mutex g_mutex;
std::vector<std::string> g_lines;

void capture(uint64_t, int32_t, const char* message) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_lines.emplace_back(message);
}

TEST(ModeFromEnvironment, DebugWhenSetToDebug) {
  ASSERT_EQ(tether_buf_mode(), TETHER_BUF_MODE_DEBUG);
  auto* data = static_cast<unsigned char*>(tether_buf_alloc(4));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(data[i], TETHER_BUF_NEW_BYTE);
  EXPECT_EQ(tether_buf_free(data), TETHER_OK);
}

TEST(ModeFromEnvironment, ReleaseWhenSetToRelease) {
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_RELEASE);
}

TEST(ModeFromEnvironment, UnknownValueIsReleaseAndLogged) {
  tether_log_set_sink(&capture, 0, TETHER_LOG_WARN);
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_RELEASE);
  tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN);
  std::lock_guard<std::mutex> lock(g_mutex);
  ASSERT_EQ(g_lines.size(), 1u);
  EXPECT_NE(g_lines[0].find("TETHER_BUFFERS=paranoid"), std::string::npos)
      << g_lines[0];
}

TEST(ModeFromEnvironment, TheApiOverridesTheEnvironment) {
  ASSERT_EQ(tether_buf_mode(), TETHER_BUF_MODE_DEBUG);
  EXPECT_EQ(tether_buf_set_mode(TETHER_BUF_MODE_RELEASE), TETHER_OK);
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_RELEASE);
  EXPECT_EQ(tether_buf_set_mode(7), TETHER_E_INVALID_ARG);
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_RELEASE);
}

}  // namespace
