// tether_runtime_config.buffer_debug switches buffers to debug mode as the
// runtime opens, unless TETHER_BUFFERS is set. Each case runs in its own
// process, started by ctest with the variable set or empty (see
// CMakeLists.txt): the mode is process-wide.
#include <gtest/gtest.h>

#include "log_capture.h"
#include "tether/library.hpp"
#include "tether/tether.h"

namespace {

using tether_test::LogCapture;

struct EchoLane {
  explicit EchoLane(tether::Lane& lane) : lane(lane) {}
  void handle(const tether::Request& request) {
    lane.reply(request, request.payload());
  }
  tether::Lane& lane;
};

tether_status open_with_buffer_debug(int32_t buffer_debug,
                                     tether_runtime** runtime, char** error) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.buffer_debug = buffer_debug;
  return tether_runtime_open(tether::library_table<EchoLane>("echo"), &config,
                             runtime, error);
}

class ModeFromConfig : public ::testing::Test {
 protected:
  LogCapture log_{TETHER_LOG_INFO};
};

TEST_F(ModeFromConfig, BufferDebugSwitchesNewBuffersToDebug) {
  ASSERT_EQ(tether_buf_mode(), TETHER_BUF_MODE_RELEASE);
  tether_runtime* runtime = nullptr;
  ASSERT_EQ(open_with_buffer_debug(1, &runtime, nullptr), TETHER_OK);
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_DEBUG);
  EXPECT_TRUE(
      log_.Contains("debug mode from now on (asked by the runtime of "
                    "library 'echo')"));
  auto* data = static_cast<unsigned char*>(tether_buf_alloc(4));
  ASSERT_NE(data, nullptr);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(data[i], TETHER_BUF_NEW_BYTE);
  EXPECT_EQ(tether_buf_free(data), TETHER_OK);
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
  // Closing the runtime does not switch back: buffers may outlive it.
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_DEBUG);
}

TEST_F(ModeFromConfig, ZeroLeavesTheModeAsItIs) {
  ASSERT_EQ(tether_buf_set_mode(TETHER_BUF_MODE_DEBUG), TETHER_OK);
  tether_runtime* runtime = nullptr;
  ASSERT_EQ(open_with_buffer_debug(0, &runtime, nullptr), TETHER_OK);
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_DEBUG);
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
}

TEST_F(ModeFromConfig, TheEnvironmentWinsOverTheConfig) {
  tether_runtime* runtime = nullptr;
  ASSERT_EQ(open_with_buffer_debug(1, &runtime, nullptr), TETHER_OK);
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_RELEASE);
  EXPECT_TRUE(
      log_.Contains("asks for debug buffers; TETHER_BUFFERS=release wins"));
  EXPECT_EQ(tether_runtime_destroy(runtime), TETHER_OK);
}

TEST_F(ModeFromConfig, OtherValuesAreRefusedAndChangeNothing) {
  tether_runtime* runtime = nullptr;
  char* error = nullptr;
  EXPECT_EQ(open_with_buffer_debug(2, &runtime, &error), TETHER_E_INVALID_ARG);
  EXPECT_EQ(runtime, nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_STREQ(error, "buffer_debug must be 0 or 1");
  EXPECT_EQ(tether_buf_free(error), TETHER_OK);
  EXPECT_TRUE(log_.Contains("buffer_debug must be 0 or 1"));
  EXPECT_EQ(tether_buf_mode(), TETHER_BUF_MODE_RELEASE);
  uint64_t live = 1;
  tether_buf_live(&live, nullptr);
  EXPECT_EQ(live, 0u);
}

}  // namespace
