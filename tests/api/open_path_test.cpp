// tether_runtime_open_path: a library loaded by path and symbol.
#include <string>

#include "runtime_test.h"

namespace tether_test {
namespace {

struct OpenResult {
  tether_status status;
  RuntimePtr runtime;
  std::string error;
  bool has_error;
};

OpenResult OpenPath(const char* path, const char* symbol) {
  tether_runtime_config config = Config(2);
  tether_runtime* runtime = nullptr;
  char* error = nullptr;
  OpenResult result{
      tether_runtime_open_path(path, symbol, &config, &runtime, &error),
      RuntimePtr(runtime), error != nullptr ? error : "", error != nullptr};
  tether_buf_free(error);
  return result;
}

TEST(OpenPathTest, MissingFileIsLoadErrorNamingThePath) {
  const char* path = "/nonexistent/libtether_missing_module.so";
  OpenResult result = OpenPath(path, kModuleEntry);
  EXPECT_EQ(result.status, TETHER_E_LOAD);
  EXPECT_EQ(result.runtime, nullptr);
  ASSERT_TRUE(result.has_error);
  EXPECT_NE(result.error.find(path), std::string::npos) << result.error;
}

TEST(OpenPathTest, FileThatIsNotALibraryIsLoadError) {
  OpenResult result = OpenPath("/proc/self/status", kModuleEntry);
  EXPECT_EQ(result.status, TETHER_E_LOAD);
  EXPECT_NE(result.error.find("/proc/self/status"), std::string::npos)
      << result.error;
}

TEST(OpenPathTest, MissingSymbolIsLoadErrorNamingTheSymbol) {
  OpenResult result = OpenPath(TETHER_TEST_MODULE_PATH, "no_such_entry_point");
  EXPECT_EQ(result.status, TETHER_E_LOAD);
  EXPECT_EQ(result.runtime, nullptr);
  EXPECT_NE(result.error.find("no_such_entry_point"), std::string::npos)
      << result.error;
}

TEST(OpenPathTest, EntryReturningNullIsLoadError) {
  OpenResult result = OpenPath(TETHER_TEST_MODULE_PATH, kModuleNullEntry);
  EXPECT_EQ(result.status, TETHER_E_LOAD);
  EXPECT_EQ(result.runtime, nullptr);
  EXPECT_TRUE(result.has_error);
}

TEST(OpenPathTest, LoadedModuleServesCalls) {
  OpenResult result = OpenPath(TETHER_TEST_MODULE_PATH, kModuleEntry);
  ASSERT_EQ(result.status, TETHER_OK) << result.error;
  EXPECT_FALSE(result.has_error);
  EXPECT_EQ(tether_runtime_lanes(result.runtime.get()), 2u);
  Collector collector(2);
  tether_call echo = Call(1, "through dlopen");
  tether_call unknown = Call(2);
  ASSERT_EQ(tether_submit(result.runtime.get(), &echo, &Collector::Callback,
                          collector.user_data(0), nullptr),
            TETHER_OK);
  ASSERT_EQ(tether_submit(result.runtime.get(), &unknown, &Collector::Callback,
                          collector.user_data(1), nullptr),
            TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(0)->result, "through dlopen");
  EXPECT_EQ(collector.completion(1)->status, TETHER_E_LIBRARY);
  EXPECT_EQ(collector.completion(1)->library_code, 404);
  EXPECT_EQ(collector.free_failures(), 0u)
      << "module replies must be tether's own buffers";
}

}  // namespace
}  // namespace tether_test
