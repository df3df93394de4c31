// tether_runtime_open_path: a library loaded by path and symbol.
#include <dlfcn.h>

#include <cstring>
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

// Has the module at `path` loaded? (NOLOAD never loads it; the reference
// it takes when it is there is dropped at once.)
bool ModuleLoaded(const char* path) {
  void* module = ::dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (module == nullptr) return false;
  ::dlclose(module);
  return true;
}

// Opens the test module, has it make one handle whose destroy (code in the
// module) increments *counter, on a lane (method 2) or on a thread of the
// module's own (method 3), and destroys the runtime: the runtime's own
// reference to the module is gone.
uint64_t HandleFromADestroyedModuleRuntime(uint64_t* counter,
                                           uint32_t method = 2) {
  OpenResult result = OpenPath(TETHER_TEST_MODULE_PATH, kModuleEntry);
  EXPECT_EQ(result.status, TETHER_OK) << result.error;
  if (result.status != TETHER_OK) return 0;
  Collector collector(1);
  std::string address(sizeof counter, '\0');
  std::memcpy(address.data(), &counter, sizeof counter);
  tether_call make = Call(method, address);
  EXPECT_EQ(tether_submit(result.runtime.get(), &make, &Collector::Callback,
                          collector.user_data(0), nullptr),
            TETHER_OK);
  EXPECT_TRUE(collector.WaitForTotal(1));
  uint64_t handle = 0;
  const std::string bytes = collector.completion(0)->result;
  EXPECT_EQ(bytes.size(), sizeof handle);
  if (bytes.size() == sizeof handle) {
    std::memcpy(&handle, bytes.data(), sizeof handle);
  }
  result.runtime.reset();
  return handle;
}

TEST(OpenPathTest, HandleReleasedAfterItsModuleRuntimeIsDestroyedRunsDestroy) {
  uint64_t destroyed = 0;
  uint64_t handle = HandleFromADestroyedModuleRuntime(&destroyed);
  ASSERT_NE(handle, 0u);
  EXPECT_EQ(destroyed, 0u);
  EXPECT_EQ(tether_handle_release(handle), TETHER_OK);
  EXPECT_EQ(destroyed, 1u);
  EXPECT_EQ(tether_handle_release(handle), TETHER_E_STALE_TICKET);
  EXPECT_EQ(destroyed, 1u);
}

TEST(OpenPathTest, ModuleStaysLoadedUntilTheLastOfItsHandlesIsReleased) {
  uint64_t destroyed = 0;
  uint64_t handle = HandleFromADestroyedModuleRuntime(&destroyed);
  ASSERT_NE(handle, 0u);
  ASSERT_EQ(tether_handle_retain(handle), TETHER_OK);
  EXPECT_TRUE(ModuleLoaded(TETHER_TEST_MODULE_PATH));
  ASSERT_EQ(tether_handle_release(handle), TETHER_OK);
  EXPECT_TRUE(ModuleLoaded(TETHER_TEST_MODULE_PATH));
  ASSERT_EQ(tether_handle_release(handle), TETHER_OK);
  EXPECT_EQ(destroyed, 1u);
  EXPECT_FALSE(ModuleLoaded(TETHER_TEST_MODULE_PATH));
}

TEST(OpenPathTest, HandleMadeOffALaneAlsoKeepsItsModuleLoaded) {
  uint64_t destroyed = 0;
  uint64_t handle = HandleFromADestroyedModuleRuntime(&destroyed, 3);
  ASSERT_NE(handle, 0u);
  EXPECT_TRUE(ModuleLoaded(TETHER_TEST_MODULE_PATH));
  EXPECT_EQ(tether_handle_release(handle), TETHER_OK);
  EXPECT_EQ(destroyed, 1u);
  EXPECT_FALSE(ModuleLoaded(TETHER_TEST_MODULE_PATH));
}

TEST(OpenPathTest, LeakReportNamesAHandleWhoseModuleRuntimeIsGone) {
  uint64_t destroyed = 0;
  uint64_t handle = HandleFromADestroyedModuleRuntime(&destroyed);
  ASSERT_NE(handle, 0u);
  tether_runtime_config config = Config(1);
  tether_runtime* raw = nullptr;
  ASSERT_EQ(tether_runtime_open(TestLibrary(), &config, &raw, nullptr),
            TETHER_OK);
  RuntimePtr other(raw);
  char* report = nullptr;
  uint64_t findings = 0;
  ASSERT_EQ(tether_runtime_leak_report(other.get(), &report, &findings),
            TETHER_OK);
  std::string text = report;
  tether_buf_free(report);
  EXPECT_NE(text.find("module-object"), std::string::npos) << text;
  EXPECT_EQ(tether_handle_release(handle), TETHER_OK);
  EXPECT_EQ(destroyed, 1u);
}

}  // namespace
}  // namespace tether_test
