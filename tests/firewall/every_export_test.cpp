// Every function libtether exports, and every host function a library is
// handed, with the layer below throwing each kind of exception as the
// function starts (std::bad_alloc, a std::exception, a type nobody names):
// the caller gets the documented value (TETHER_E_NO_MEMORY for bad_alloc,
// TETHER_E_INTERNAL for the rest, NULL or a fallback where there is no
// status), a log line naming the function, and the process lives.
//
// The list of exports is read from libtether.so itself (nm, at build time),
// so a new export without a case here fails ExportsAreAllCovered; the host
// function table is counted the same way.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/fault_injection.h"
#include "log_capture.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

using tether::fault::Point;
using tether::fault::Throw;

// Functions that only fill or read plain fields, or tear down with
// operations that cannot throw (shim/boundary.h lists them): the fault
// point must not even be passed.
const std::set<std::string> kUnguarded = {
    "tether_call_init",      "tether_runtime_config_init",
    "tether_stats_init",     "tether_lane_stats_init",
    "tether_cq_fd",          "tether_runtime_lanes",
    "tether_status_str",     "tether_version_number",
    "tether_version_string", "tether_cq_destroy",
    "tether_stream_destroy",
};

enum class Returns { kStatus, kNullPointer, kZero, kOne, kNothing };

struct Fixture;
struct ExportCase {
  const char* name;
  Returns returns;
  std::function<int64_t(Fixture&)> call;
};

struct Fixture {
  tether_runtime* rt = nullptr;
  tether_cq* cq = nullptr;
  tether_stream* stream = nullptr;
  void* buffer = nullptr;
  int32_t buffer_mode = TETHER_BUF_MODE_RELEASE;  // read before arming
  tether_call call{};
};

void NoCallback(tether_completion*) { ADD_FAILURE() << "a callback ran"; }

std::vector<ExportCase> Cases() {
  auto status = [](tether_status s) { return static_cast<int64_t>(s); };
  auto pointer = [](const void* p) { return p == nullptr ? 0 : int64_t{1}; };
  return {
      {"tether_buf_alloc", Returns::kNullPointer,
       [=](Fixture&) {
         void* p = tether_buf_alloc(16);
         if (p != nullptr) tether_buf_free(p);
         return pointer(p);
       }},
      {"tether_buf_alloc_tagged", Returns::kNullPointer,
       [=](Fixture&) {
         void* p = tether_buf_alloc_tagged(16, "every export");
         if (p != nullptr) tether_buf_free(p);
         return pointer(p);
       }},
      {"tether_buf_free", Returns::kStatus,
       [=](Fixture& f) { return status(tether_buf_free(f.buffer)); }},
      {"tether_buf_free_tagged", Returns::kStatus,
       [=](Fixture& f) {
         return status(tether_buf_free_tagged(f.buffer, "every export"));
       }},
      {"tether_buf_size", Returns::kStatus,
       [=](Fixture& f) {
         size_t size = 0;
         return status(tether_buf_size(f.buffer, &size));
       }},
      {"tether_buf_live", Returns::kNothing,
       [=](Fixture&) {
         uint64_t count = 0, bytes = 0;
         tether_buf_live(&count, &bytes);
         return int64_t{0};
       }},
      {"tether_buf_set_growth_threshold", Returns::kNothing,
       [=](Fixture&) {
         tether_buf_set_growth_threshold(0, 0);
         return int64_t{0};
       }},
      {"tether_buf_set_mode", Returns::kStatus,
       [=](Fixture& f) { return status(tether_buf_set_mode(f.buffer_mode)); }},
      {"tether_buf_mode", Returns::kZero,  // TETHER_BUF_MODE_RELEASE
       [=](Fixture&) { return static_cast<int64_t>(tether_buf_mode()); }},
      {"tether_buf_check_all", Returns::kStatus,
       [=](Fixture&) { return status(tether_buf_check_all()); }},
      {"tether_buf_problems", Returns::kStatus,
       [=](Fixture&) {
         uint64_t count = 0;
         return status(
             tether_buf_problems(TETHER_BUF_PROBLEM_DOUBLE_FREE, &count));
       }},
      {"tether_submit", Returns::kStatus,
       [=](Fixture& f) {
         return status(tether_submit(f.rt, &f.call, &NoCallback, 0, nullptr));
       }},
      {"tether_submit_cq", Returns::kStatus,
       [=](Fixture& f) {
         return status(tether_submit_cq(f.rt, &f.call, f.cq, 0, nullptr));
       }},
      {"tether_submit_batch", Returns::kStatus,
       [=](Fixture& f) {
         uint64_t data = 0;
         size_t submitted = 0;
         return status(tether_submit_batch(f.rt, &f.call, 1, &NoCallback, &data,
                                           nullptr, &submitted));
       }},
      {"tether_submit_batch_cq", Returns::kStatus,
       [=](Fixture& f) {
         uint64_t tag = 0;
         size_t submitted = 0;
         return status(tether_submit_batch_cq(f.rt, &f.call, 1, f.cq, &tag,
                                              nullptr, &submitted));
       }},
      {"tether_cancel", Returns::kStatus,
       [=](Fixture& f) { return status(tether_cancel(f.rt, 12345)); }},
      {"tether_cq_open", Returns::kStatus,
       [=](Fixture& f) {
         tether_cq* cq = nullptr;
         tether_status s = tether_cq_open(f.rt, &cq);
         if (cq != nullptr) tether_cq_destroy(cq);
         return status(s);
       }},
      {"tether_cq_reset_fd", Returns::kStatus,
       [=](Fixture& f) { return status(tether_cq_reset_fd(f.cq)); }},
      {"tether_cq_take", Returns::kStatus,
       [=](Fixture& f) {
         tether_completion out;
         size_t count = 0;
         return status(tether_cq_take(f.cq, &out, sizeof out, 1, &count));
       }},
      {"tether_cq_poll", Returns::kStatus,
       [=](Fixture& f) {
         tether_completion out;
         size_t count = 0;
         return status(tether_cq_poll(f.cq, &out, sizeof out, 1, 0, &count));
       }},
      {"tether_cq_shutdown", Returns::kStatus,
       [=](Fixture& f) { return status(tether_cq_shutdown(f.cq)); }},
      {"tether_crash_handler_install", Returns::kStatus,
       [=](Fixture&) { return status(tether_crash_handler_install()); }},
      {"tether_handle_retain", Returns::kStatus,
       [=](Fixture&) { return status(tether_handle_retain(1)); }},
      {"tether_handle_release", Returns::kStatus,
       [=](Fixture&) { return status(tether_handle_release(1)); }},
      {"tether_handles_live", Returns::kZero,
       [=](Fixture&) { return static_cast<int64_t>(tether_handles_live()); }},
      {"tether_log_set_sink", Returns::kStatus,
       [=](Fixture&) {
         return status(tether_log_set_sink(nullptr, 0, TETHER_LOG_WARN));
       }},
      {"tether_runtime_open", Returns::kStatus,
       [=](Fixture&) {
         tether_runtime_config config = Config(1);
         tether_runtime* runtime = nullptr;
         char* error = nullptr;
         tether_status s =
             tether_runtime_open(TestLibrary(), &config, &runtime, &error);
         if (runtime != nullptr) tether_runtime_destroy(runtime);
         tether_buf_free(error);
         return status(s);
       }},
      {"tether_runtime_open_path", Returns::kStatus,
       [=](Fixture&) {
         tether_runtime* runtime = nullptr;
         char* error = nullptr;
         tether_status s = tether_runtime_open_path(
             "/nonexistent/library.so", "entry", nullptr, &runtime, &error);
         if (runtime != nullptr) tether_runtime_destroy(runtime);
         tether_buf_free(error);
         return status(s);
       }},
      {"tether_runtime_shutdown", Returns::kStatus,
       [=](Fixture& f) {
         return status(
             tether_runtime_shutdown(f.rt, TETHER_SHUTDOWN_CANCEL, 0));
       }},
      {"tether_runtime_destroy", Returns::kStatus,
       [=](Fixture& f) { return status(tether_runtime_destroy(f.rt)); }},
      {"tether_runtime_leak_report", Returns::kStatus,
       [=](Fixture& f) {
         char* report = nullptr;
         uint64_t findings = 0;
         tether_status s = tether_runtime_leak_report(f.rt, &report, &findings);
         tether_buf_free(report);
         return status(s);
       }},
      {"tether_recorder_dump", Returns::kStatus,
       [=](Fixture& f) {
         return status(tether_recorder_dump(f.rt, STDERR_FILENO, 0));
       }},
      {"tether_runtime_stats", Returns::kStatus,
       [=](Fixture& f) {
         tether_stats stats;
         tether_stats_init(&stats);
         return status(tether_runtime_stats(f.rt, &stats));
       }},
      {"tether_runtime_lane_stats", Returns::kStatus,
       [=](Fixture& f) {
         tether_lane_stats stats;
         tether_lane_stats_init(&stats);
         return status(tether_runtime_lane_stats(f.rt, 0, &stats));
       }},
      {"tether_stream_open", Returns::kStatus,
       [=](Fixture& f) {
         tether_stream* stream = nullptr;
         tether_status s = tether_stream_open(f.rt, &stream);
         tether_stream_destroy(stream);
         return status(s);
       }},
      {"tether_stream_submit", Returns::kStatus,
       [=](Fixture& f) {
         return status(
             tether_stream_submit(f.stream, &f.call, &NoCallback, 0, nullptr));
       }},
      {"tether_stream_submit_cq", Returns::kStatus,
       [=](Fixture& f) {
         return status(
             tether_stream_submit_cq(f.stream, &f.call, f.cq, 0, nullptr));
       }},
  };
}

std::set<std::string> Exports() {
  std::ifstream in(TETHER_EXPORTS_FILE);
  std::set<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) names.insert(line);
  }
  return names;
}

// What a function that failed inside tether gives back (tether/types.h,
// "Failures inside tether"), and how its log line goes on after its name.
void ExpectFailureValue(Returns returns, int64_t got, Throw kind) {
  switch (returns) {
    case Returns::kStatus:
      EXPECT_EQ(got, kind == Throw::kBadAlloc ? TETHER_E_NO_MEMORY
                                              : TETHER_E_INTERNAL)
          << tether_status_str(static_cast<int32_t>(got));
      break;
    case Returns::kNullPointer:
    case Returns::kZero:
      EXPECT_EQ(got, 0);
      break;
    case Returns::kOne:
      EXPECT_EQ(got, 1);
      break;
    case Returns::kNothing:
      break;
  }
}

std::string FailureLine(Throw kind) {
  return kind == Throw::kBadAlloc ? ": out of memory" : ": internal error";
}

std::string KindName(Throw kind) {
  switch (kind) {
    case Throw::kBadAlloc:
      return "BadAlloc";
    case Throw::kStdException:
      return "StdException";
    case Throw::kNonStd:
      return "NonStd";
  }
  return "?";
}

TEST(EveryExportTest, ExportsAreAllCovered) {
  const std::set<std::string> exports = Exports();
  ASSERT_GT(exports.size(), 40u) << "could not read " << TETHER_EXPORTS_FILE;
  std::set<std::string> covered = kUnguarded;
  for (const ExportCase& c : Cases()) covered.insert(c.name);
  for (const std::string& name : exports) {
    EXPECT_TRUE(covered.count(name)) << name << " is exported but has no case";
  }
  for (const std::string& name : covered) {
    EXPECT_TRUE(exports.count(name)) << name << " has a case but no export";
  }
}

class EveryExportThrowTest : public ::testing::TestWithParam<Throw> {
 protected:
  void SetUp() override {
    tether_runtime_config config = Config(1);
    char* error = nullptr;
    ASSERT_EQ(tether_runtime_open(TestLibrary(), &config, &f_.rt, &error),
              TETHER_OK);
    ASSERT_EQ(tether_cq_open(f_.rt, &f_.cq), TETHER_OK);
    ASSERT_EQ(tether_stream_open(f_.rt, &f_.stream), TETHER_OK);
    f_.buffer = tether_buf_alloc(8);
    ASSERT_NE(f_.buffer, nullptr);
    f_.call = Call(kNoop);
    f_.buffer_mode = tether_buf_mode();
  }
  void TearDown() override {
    tether::fault::disarm_all();
    tether_stream_destroy(f_.stream);
    tether_cq_destroy(f_.cq);
    EXPECT_EQ(tether_buf_free(f_.buffer), TETHER_OK)
        << "a failed free must keep the buffer";
    EXPECT_EQ(tether_runtime_destroy(f_.rt), TETHER_OK);
  }

  LogCapture log_;
  Fixture f_;
};

TEST_P(EveryExportThrowTest, EachExportReturnsItsDocumentedFailure) {
  const Throw kind = GetParam();
  for (const ExportCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    const uint64_t live = LiveBuffers();
    tether::fault::arm(Point::kBoundaryThrows, 1, 1, kind);
    const int64_t got = c.call(f_);
    EXPECT_EQ(tether::fault::fired(Point::kBoundaryThrows), 1u);
    tether::fault::disarm_all();
    ExpectFailureValue(c.returns, got, kind);
    EXPECT_TRUE(log_.Contains(std::string(c.name) + FailureLine(kind)));
    EXPECT_EQ(LiveBuffers(), live) << "a failed call changed live buffers";
  }
  // The failures changed nothing: the runtime, queue and stream still work.
  Collector collector(2);
  const tether_call echo = Call(kEcho, "still");
  EXPECT_EQ(tether_submit(f_.rt, &echo, &Collector::Callback,
                          collector.user_data(0), nullptr),
            TETHER_OK);
  EXPECT_EQ(tether_stream_submit(f_.stream, &f_.call, &Collector::Callback,
                                 collector.user_data(1), nullptr),
            TETHER_OK);
  EXPECT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(0)->status, TETHER_OK);
  EXPECT_EQ(tether_submit_cq(f_.rt, &f_.call, f_.cq, 7, nullptr), TETHER_OK);
  tether_completion out;
  size_t count = 0;
  EXPECT_EQ(tether_cq_poll(f_.cq, &out, sizeof out, 1, UINT64_MAX, &count),
            TETHER_OK);
  EXPECT_EQ(count, 1u);
}

TEST_P(EveryExportThrowTest, UnguardedExportsNeverPassTheFaultPoint) {
  tether::fault::arm(Point::kBoundaryThrows, 1, 1, GetParam());
  tether_call call;
  tether_call_init(&call);
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  tether_stats stats;
  tether_stats_init(&stats);
  tether_lane_stats lane_stats;
  tether_lane_stats_init(&lane_stats);
  EXPECT_GE(tether_cq_fd(f_.cq), 0);
  EXPECT_EQ(tether_runtime_lanes(f_.rt), 1u);
  EXPECT_STREQ(tether_status_str(TETHER_OK), "TETHER_OK");
  EXPECT_NE(tether_version_number(), 0u);
  EXPECT_NE(tether_version_string(), nullptr);
  tether_cq* cq = nullptr;
  tether_stream* stream = nullptr;
  tether::fault::disarm_all();
  ASSERT_EQ(tether_cq_open(f_.rt, &cq), TETHER_OK);
  ASSERT_EQ(tether_stream_open(f_.rt, &stream), TETHER_OK);
  tether::fault::arm(Point::kBoundaryThrows, 1, 1, GetParam());
  tether_cq_destroy(cq);
  tether_stream_destroy(stream);
  EXPECT_EQ(tether::fault::fired(Point::kBoundaryThrows), 0u);
}

INSTANTIATE_TEST_SUITE_P(Kinds, EveryExportThrowTest,
                         ::testing::Values(Throw::kBadAlloc,
                                           Throw::kStdException,
                                           Throw::kNonStd),
                         [](const auto& info) { return KindName(info.param); });

// --- host functions --------------------------------------------------------

// A library whose handler runs g_body on the lane, then replies itself: a
// host function that failed decided nothing, so that reply must succeed.
std::atomic<const tether_host_api*> g_host{nullptr};
std::atomic<tether_lane*> g_lane{nullptr};
std::function<void(uint64_t request)> g_body;
std::atomic<int> g_final_reply{-1};

tether_status HostLaneStart(const tether_host_api* host, tether_lane* lane,
                            uint32_t, void*, void** lane_state) {
  g_host.store(host);
  g_lane.store(lane);
  *lane_state = nullptr;
  return TETHER_OK;
}

void HostHandle(void*, const tether_request* request) {
  g_body(request->id);
  g_final_reply.store(g_host.load()->reply(request->id, nullptr, 0));
}

const tether_library kHostLibrary = {sizeof(tether_library),
                                     TETHER_LIBRARY_ABI_VERSION,
                                     0,
                                     "every-host-function",
                                     &HostLaneStart,
                                     &HostHandle,
                                     nullptr};

// `spare` is a live 8-byte tether buffer allocated before the fault point
// was armed (allocating it inside would pass the point first); a case that
// takes it says so, else the runner frees it.
struct HostCase {
  const char* name;
  Returns returns;
  bool takes_spare;
  std::function<int64_t(const tether_host_api*, tether_lane*, uint64_t,
                        void* spare)>
      call;
};

void NoLaneFn(void*, tether_status) {}

std::vector<HostCase> HostCases() {
  using Api = const tether_host_api*;
  return {
      {"reply", Returns::kStatus, true,
       [](Api api, tether_lane*, uint64_t request, void* spare) {
         return int64_t{api->reply(request, spare, 8)};
       }},
      {"reply_error", Returns::kStatus, false,
       [](Api api, tether_lane*, uint64_t request, void*) {
         return int64_t{api->reply_error(request, 3, "no")};
       }},
      {"buf_alloc", Returns::kNullPointer, false,
       [](Api api, tether_lane*, uint64_t, void*) {
         void* p = api->buf_alloc(8);
         if (p != nullptr) api->buf_free(p);
         return p == nullptr ? int64_t{0} : int64_t{1};
       }},
      {"buf_free", Returns::kStatus, false,  // a failed free keeps it
       [](Api api, tether_lane*, uint64_t, void* spare) {
         return int64_t{api->buf_free(spare)};
       }},
      {"is_cancelled", Returns::kOne, false,
       [](Api api, tether_lane*, uint64_t request, void*) {
         return int64_t{api->is_cancelled(request)};
       }},
      {"post", Returns::kStatus, false,
       [](Api api, tether_lane* lane, uint64_t, void*) {
         return int64_t{api->post(lane, &NoLaneFn, nullptr)};
       }},
      {"timer_start", Returns::kStatus, false,
       [](Api api, tether_lane* lane, uint64_t, void*) {
         return int64_t{api->timer_start(lane, 0, &NoLaneFn, nullptr)};
       }},
      {"log", Returns::kNothing, false,
       [](Api api, tether_lane*, uint64_t, void*) {
         api->log(TETHER_LOG_WARN, "a library line");
         return int64_t{0};
       }},
      {"gauge_register", Returns::kStatus, false,
       [](Api api, tether_lane* lane, uint64_t, void*) {
         uint32_t gauge = 0;
         return int64_t{api->gauge_register(lane, "depth", &gauge)};
       }},
      {"gauge_set", Returns::kStatus, false,
       [](Api api, tether_lane* lane, uint64_t, void*) {
         return int64_t{api->gauge_set(lane, 0, 1)};
       }},
      {"handle_new", Returns::kStatus, false,
       [](Api api, tether_lane*, uint64_t, void*) {
         static int object = 0;
         uint64_t handle = 0;
         tether_status s = api->handle_new(&object, nullptr, "int", &handle);
         if (s == TETHER_OK) api->handle_release(handle);
         return int64_t{s};
       }},
      {"handle_get", Returns::kStatus, false,
       [](Api api, tether_lane*, uint64_t, void*) {
         void* object = nullptr;
         return int64_t{api->handle_get(1, &object)};
       }},
      {"handle_retain", Returns::kStatus, false,
       [](Api api, tether_lane*, uint64_t, void*) {
         return int64_t{api->handle_retain(1)};
       }},
      {"handle_release", Returns::kStatus, false,
       [](Api api, tether_lane*, uint64_t, void*) {
         return int64_t{api->handle_release(1)};
       }},
  };
}

TEST(EveryHostFunctionTest, HostFunctionsAreAllCovered) {
  constexpr size_t kFunctions =
      (sizeof(tether_host_api) - offsetof(tether_host_api, reply)) /
      sizeof(void (*)());
  EXPECT_EQ(HostCases().size(), kFunctions)
      << "tether_host_api has a function without a case here";
}

class EveryHostFunctionThrowTest : public ::testing::TestWithParam<Throw> {
 protected:
  void SetUp() override {
    tether_runtime_config config = Config(1);
    tether_runtime* runtime = nullptr;
    char* error = nullptr;
    ASSERT_EQ(tether_runtime_open(&kHostLibrary, &config, &runtime, &error),
              TETHER_OK);
    runtime_.reset(runtime);
    // One gauge registered, so gauge_set fails only by the fault point.
    g_body = [](uint64_t) {
      uint32_t gauge = 0;
      g_host.load()->gauge_register(g_lane.load(), "depth", &gauge);
    };
    RunOnLane();
  }
  void TearDown() override {
    tether::fault::disarm_all();
    runtime_.reset();
    g_body = nullptr;
  }

  // One call whose handler runs g_body; returns its completion's status.
  tether_status RunOnLane() {
    Collector collector(1);
    tether_call call = Call(1);
    EXPECT_EQ(tether_submit(runtime_.get(), &call, &Collector::Callback,
                            collector.user_data(0), nullptr),
              TETHER_OK);
    EXPECT_TRUE(collector.WaitForTotal(1));
    return collector.completion(0)->status;
  }

  LogCapture log_;
  RuntimePtr runtime_;
};

TEST_P(EveryHostFunctionThrowTest, EachReturnsItsDocumentedFailure) {
  const Throw kind = GetParam();
  for (const HostCase& c : HostCases()) {
    SCOPED_TRACE(c.name);
    const uint64_t live = LiveBuffers();
    const uint64_t handles = tether_handles_live();
    int64_t got = -1;
    g_body = [&](uint64_t request) {
      const tether_host_api* api = g_host.load();
      void* spare = api->buf_alloc(8);
      ASSERT_NE(spare, nullptr);
      tether::fault::arm(Point::kBoundaryThrows, 1, 1, kind);
      got = c.call(api, g_lane.load(), request, spare);
      EXPECT_EQ(tether::fault::fired(Point::kBoundaryThrows), 1u);
      tether::fault::disarm_all();
      if (!c.takes_spare) {
        EXPECT_EQ(api->buf_free(spare), TETHER_OK);
      }
    };
    EXPECT_EQ(RunOnLane(), TETHER_OK);
    EXPECT_EQ(g_final_reply.load(), TETHER_OK)
        << "the failed function decided the call";
    ExpectFailureValue(c.returns, got, kind);
    EXPECT_TRUE(log_.Contains(std::string(c.name) + FailureLine(kind)));
    EXPECT_EQ(LiveBuffers(), live) << "a failed call changed live buffers";
    EXPECT_EQ(tether_handles_live(), handles);
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, EveryHostFunctionThrowTest,
                         ::testing::Values(Throw::kBadAlloc,
                                           Throw::kStdException,
                                           Throw::kNonStd),
                         [](const auto& info) { return KindName(info.param); });

}  // namespace
}  // namespace tether_test
