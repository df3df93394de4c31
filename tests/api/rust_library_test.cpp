// A Rust library (bindings/rust/tether-testlib, built with cargo) served by
// this build, sanitizers and all: the Rust side's replies, panics, dropped
// replies, lane timers, posted work and result buffers, seen by a C host.
// The library's path comes from TETHER_RUST_TESTLIB (bindings/rust/ci.sh
// sets it); without it the test is skipped. Under LeakSanitizer, run it
// without RUST_BACKTRACE (bindings/rust/rust_library_check.sh does): with
// it, the panic hook caches the library's debug info in a static that is
// lost when tether unloads the library.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "runtime_test.h"

namespace tether_test {
namespace {

// tether-testlib's methods and codes (bindings/rust/tether-testlib/src/lib.rs).
constexpr uint32_t kEcho = 1;
constexpr uint32_t kFail = 2;
constexpr uint32_t kPanic = 3;
constexpr uint32_t kDrop = 4;
constexpr uint32_t kTimer = 5;
constexpr uint32_t kPosted = 6;
constexpr uint32_t kRemote = 7;
constexpr uint32_t kResultBuffer = 19;
constexpr int32_t kPanicCode = -1;
constexpr int32_t kDroppedCode = -2;

template <class T>
std::string Bytes(T value) {
  std::string bytes(sizeof value, '\0');
  std::memcpy(bytes.data(), &value, sizeof value);
  return bytes;
}

TEST(RustLibraryTest, ServesTheRustTestLibrary) {
  const char* path = std::getenv("TETHER_RUST_TESTLIB");
  if (path == nullptr || *path == '\0') {
    GTEST_SKIP() << "TETHER_RUST_TESTLIB is not set: build the Rust test "
                    "library (cd bindings/rust && cargo build -p "
                    "tether-testlib) and set it to libtether_testlib.so, "
                    "or run bindings/rust/ci.sh with TETHER_ASAN_API_TESTS";
  }
  const uint64_t live_before = LiveBuffers();
  {
    tether_runtime_config config = Config(2);
    tether_runtime* raw = nullptr;
    char* error = nullptr;
    tether_status opened = tether_runtime_open_path(
        path, "tether_testlib_library", &config, &raw, &error);
    const std::string open_error = error != nullptr ? error : "";
    tether_buf_free(error);
    ASSERT_EQ(opened, TETHER_OK) << open_error;
    RuntimePtr runtime(raw);

    const std::string fail = Bytes<int32_t>(7) + "seven";
    const std::string delay = Bytes<uint64_t>(5);
    const std::string length = Bytes<uint32_t>(4096);
    const tether_call calls[] = {Call(kEcho, "through Rust"),
                                 Call(kFail, fail),
                                 Call(kPanic, "asan boom"),
                                 Call(kDrop),
                                 Call(kTimer, delay),
                                 Call(kPosted),
                                 Call(kRemote),
                                 Call(kResultBuffer, length),
                                 Call(kEcho, "still serving")};
    constexpr size_t kCalls = sizeof calls / sizeof calls[0];
    Collector collector(kCalls);
    for (size_t i = 0; i < kCalls; ++i) {
      ASSERT_EQ(tether_submit(runtime.get(), &calls[i], &Collector::Callback,
                              collector.user_data(i), nullptr),
                TETHER_OK);
    }
    ASSERT_TRUE(collector.WaitForTotal(kCalls));
    EXPECT_EQ(collector.duplicates(), 0u);
    EXPECT_EQ(collector.free_failures(), 0u)
        << "the Rust library's results must be tether's own buffers";

    EXPECT_EQ(collector.completion(0)->result, "through Rust");
    EXPECT_EQ(collector.completion(1)->status, TETHER_E_LIBRARY);
    EXPECT_EQ(collector.completion(1)->library_code, 7);
    EXPECT_EQ(collector.completion(1)->error, "seven");
    EXPECT_EQ(collector.completion(2)->status, TETHER_E_LIBRARY);
    EXPECT_EQ(collector.completion(2)->library_code, kPanicCode);
    EXPECT_EQ(collector.completion(2)->error,
              "the handler of method 3 panicked: asan boom");
    EXPECT_EQ(collector.completion(3)->status, TETHER_E_LIBRARY);
    EXPECT_EQ(collector.completion(3)->library_code, kDroppedCode);
    EXPECT_EQ(collector.completion(3)->error,
              "method 4: handler dropped the request without replying");
    EXPECT_EQ(collector.completion(4)->result, "from a timer");
    EXPECT_EQ(collector.completion(5)->result, "from posted work");
    EXPECT_EQ(collector.completion(6)->result, "from another thread");
    const std::string filled = collector.completion(7)->result;
    ASSERT_EQ(filled.size(), 4096u);
    for (size_t i = 0; i < filled.size(); ++i) {
      ASSERT_EQ(static_cast<unsigned char>(filled[i]), i % 251) << i;
    }
    EXPECT_EQ(collector.completion(8)->result, "still serving");
  }
  EXPECT_EQ(LiveBuffers(), live_before);
}

}  // namespace
}  // namespace tether_test
