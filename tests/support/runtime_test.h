// Shared pieces of the behaviour suites: owning handles, call and config
// builders, loop-count scaling for sanitizer builds, and a fixture that
// resets the test library's Probe and owns one runtime.
#ifndef TETHER_TESTS_SUPPORT_RUNTIME_TEST_H
#define TETHER_TESTS_SUPPORT_RUNTIME_TEST_H

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <thread>

#include "collector.h"
#include "probe.h"
#include "test_library.h"
#include "tether/tether.h"

namespace tether_test {

// Loop counts are divided by 8 in sanitizer builds, and by TETHER_TEST_SCALE
// (a divisor) when that is set in the environment; never below 1.
inline size_t Scaled(size_t count) {
  size_t divisor = 1;
#if defined(TETHER_ASAN) || defined(TETHER_TSAN)
  divisor = 8;
#endif
  if (const char* env = std::getenv("TETHER_TEST_SCALE")) {
    long value = std::strtol(env, nullptr, 10);
    if (value > 0) divisor = static_cast<size_t>(value);
  }
  return count / divisor > 0 ? count / divisor : 1;
}

struct RuntimeDeleter {
  void operator()(tether_runtime* runtime) const {
    tether_runtime_destroy(runtime);
  }
};
using RuntimePtr = std::unique_ptr<tether_runtime, RuntimeDeleter>;

struct CqDeleter {
  void operator()(tether_cq* cq) const { tether_cq_destroy(cq); }
};
using CqPtr = std::unique_ptr<tether_cq, CqDeleter>;

struct StreamDeleter {
  void operator()(tether_stream* stream) const {
    tether_stream_destroy(stream);
  }
};
using StreamPtr = std::unique_ptr<tether_stream, StreamDeleter>;

inline tether_runtime_config Config(uint32_t lanes,
                                    int32_t deliver = TETHER_DELIVER_ON_LANE) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.lanes = lanes;
  config.deliver = deliver;
  return config;
}

// `payload` is borrowed: keep it alive until the submit returns.
inline tether_call Call(uint32_t method, std::string_view payload = {},
                        uint64_t key = TETHER_KEY_ANY,
                        uint64_t timeout_ns = 0) {
  tether_call call;
  tether_call_init(&call);
  call.method = method;
  call.key = key;
  call.timeout_ns = timeout_ns;
  call.payload = payload.empty() ? nullptr : payload.data();
  call.payload_len = payload.size();
  return call;
}

// Opens a runtime and destroys it at once: what the open answered.
inline tether_status OpenThenDestroy(const tether_library* library,
                                     const tether_runtime_config& config) {
  tether_runtime* runtime = nullptr;
  char* error = nullptr;
  tether_status status =
      tether_runtime_open(library, &config, &runtime, &error);
  tether_buf_free(error);
  if (status == TETHER_OK) tether_runtime_destroy(runtime);
  return status;
}

inline tether_stats Stats(const tether_runtime* runtime) {
  tether_stats stats;
  tether_stats_init(&stats);
  EXPECT_EQ(tether_runtime_stats(runtime, &stats), TETHER_OK);
  return stats;
}

inline uint64_t LiveBuffers() {
  uint64_t count = 0;
  tether_buf_live(&count, nullptr);
  return count;
}

// For state tether offers no notification of (stats counters): polls until
// `done()` or kWaitLimit passes.
template <class Pred>
bool WaitUntil(Pred done) {
  const auto give_up = std::chrono::steady_clock::now() + kWaitLimit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Calls submit() again while it returns TETHER_E_BUSY, for up to kWaitLimit.
template <class SubmitFn>
tether_status RetryWhileBusy(SubmitFn submit) {
  const auto give_up = std::chrono::steady_clock::now() + kWaitLimit;
  tether_status status;
  while ((status = submit()) == TETHER_E_BUSY &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  return status;
}

inline bool WaitNoneInFlight(const tether_runtime* runtime) {
  return WaitUntil([&] { return Stats(runtime).in_flight == 0; });
}

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override { Probe::Get().Reset(); }
  void TearDown() override {
    Probe::Get().OpenGate();
    runtime_.reset();
  }

  void Open(const tether_runtime_config& config) {
    tether_runtime* runtime = nullptr;
    char* error = nullptr;
    tether_status status =
        tether_runtime_open(TestLibrary(), &config, &runtime, &error);
    ASSERT_EQ(status, TETHER_OK) << (error != nullptr ? error : "");
    ASSERT_NE(runtime, nullptr);
    runtime_.reset(runtime);
  }

  tether_runtime* rt() const { return runtime_.get(); }

  tether_status Submit(Collector& collector, size_t index,
                       const tether_call& call, uint64_t* ticket = nullptr) {
    ApiScope scope;
    return tether_submit(rt(), &call, &Collector::Callback,
                         collector.user_data(index), ticket);
  }

  RuntimePtr runtime_;
};

}  // namespace tether_test

#endif  // TETHER_TESTS_SUPPORT_RUNTIME_TEST_H
