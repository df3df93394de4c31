// Null and malformed arguments to every public function: the documented
// status, no state change, and a log line for each rejected call.
#include <cstdlib>
#include <string>

#include "expect_rejected.h"
#include "log_capture.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

class BadInputTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
    tether_cq* cq = nullptr;
    ASSERT_EQ(tether_cq_open(rt(), &cq), TETHER_OK);
    cq_.reset(cq);
    tether_stream* stream = nullptr;
    ASSERT_EQ(tether_stream_open(rt(), &stream), TETHER_OK);
    stream_.reset(stream);
  }
  void TearDown() override {
    stream_.reset();
    RuntimeTest::TearDown();
    cq_.reset();
  }

  tether_status OpenWith(const tether_library* library,
                         const tether_runtime_config& config) {
    return OpenThenDestroy(library, config);
  }

  // Submits `call` and checks that nothing was accepted.
  tether_status SubmitRejected(const tether_call& call) {
    tether_status status = Submit(collector_, 0, call);
    EXPECT_EQ(Stats(rt()).submitted, 0u);
    return status;
  }

  LogCapture log_;
  Collector collector_{1};
  CqPtr cq_;
  StreamPtr stream_;
  tether_call call_ = Call(kNoop);
  uint64_t user_data_[1] = {0};
  uint64_t tags_[1] = {0};
  size_t submitted_ = 0;
};

// --- buffers ---------------------------------------------------------------

TEST_F(BadInputTest, BufAllocOverMaxSizeReturnsNull) {
  const size_t before = log_.count();
  EXPECT_EQ(tether_buf_alloc(TETHER_BUF_MAX_SIZE + 1), nullptr);
  EXPECT_GT(log_.count(), before);
}

TEST_F(BadInputTest, BufFreeOfMallocPointerIsForeignBuffer) {
  void* foreign = std::malloc(32);
  EXPECT_REJECTED(tether_buf_free(foreign), TETHER_E_FOREIGN_BUFFER);
  std::free(foreign);
}

TEST_F(BadInputTest, BufSizeWithNullOutIsInvalidArg) {
  void* buffer = tether_buf_alloc(8);
  EXPECT_REJECTED(tether_buf_size(buffer, nullptr), TETHER_E_INVALID_ARG);
  tether_buf_free(buffer);
}

TEST_F(BadInputTest, BufSizeOfNullIsForeignBuffer) {
  size_t size = 0;
  EXPECT_REJECTED(tether_buf_size(nullptr, &size), TETHER_E_FOREIGN_BUFFER);
}

TEST_F(BadInputTest, BufSizeOfMallocPointerIsForeignBuffer) {
  void* foreign = std::malloc(32);
  size_t size = 0;
  EXPECT_REJECTED(tether_buf_size(foreign, &size), TETHER_E_FOREIGN_BUFFER);
  std::free(foreign);
}

TEST_F(BadInputTest, BufLiveAcceptsNullOutParameters) {
  tether_buf_live(nullptr, nullptr);
}

TEST_F(BadInputTest, TaggedFreeOfMallocPointerIsForeignBuffer) {
  void* foreign = std::malloc(32);
  EXPECT_REJECTED(tether_buf_free_tagged(foreign, "bad-input-test"),
                  TETHER_E_FOREIGN_BUFFER);
  std::free(foreign);
}

TEST_F(BadInputTest, TaggedAllocOverMaxSizeReturnsNull) {
  const size_t before = log_.count();
  EXPECT_EQ(tether_buf_alloc_tagged(TETHER_BUF_MAX_SIZE + 1, "bad-input-test"),
            nullptr);
  EXPECT_GT(log_.count(), before);
}

TEST_F(BadInputTest, BufSetModeWithUnknownModeIsInvalidArgAndKeepsTheMode) {
  const int32_t mode = tether_buf_mode();
  EXPECT_REJECTED(tether_buf_set_mode(7), TETHER_E_INVALID_ARG);
  EXPECT_EQ(tether_buf_mode(), mode);
}

TEST_F(BadInputTest, BufProblemsWithNullOutIsInvalidArg) {
  EXPECT_REJECTED(tether_buf_problems(TETHER_BUF_PROBLEM_DOUBLE_FREE, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, BufProblemsOfUnknownKindIsInvalidArg) {
  uint64_t count = 0;
  EXPECT_REJECTED(tether_buf_problems(99, &count), TETHER_E_INVALID_ARG);
}

// --- submit ----------------------------------------------------------------

TEST_F(BadInputTest, SubmitWithNullRuntimeIsInvalidArg) {
  EXPECT_REJECTED(
      tether_submit(nullptr, &call_, &Collector::Callback, 0, nullptr),
      TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitWithNullCallIsInvalidArg) {
  EXPECT_REJECTED(
      tether_submit(rt(), nullptr, &Collector::Callback, 0, nullptr),
      TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitWithNullCallbackIsInvalidArg) {
  EXPECT_REJECTED(tether_submit(rt(), &call_, nullptr, 0, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitWithTooSmallStructSizeIsInvalidArg) {
  tether_call call = Call(kNoop);
  call.struct_size = sizeof(size_t);
  EXPECT_REJECTED(SubmitRejected(call), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitWithNullPayloadAndLengthIsInvalidArg) {
  tether_call call = Call(kEcho);
  call.payload = nullptr;
  call.payload_len = 10;
  EXPECT_REJECTED(SubmitRejected(call), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitMovingAForeignPayloadIsInvalidArg) {
  char* foreign = static_cast<char*>(std::malloc(16));
  tether_call call = Call(kEcho, std::string_view(foreign, 16));
  call.flags = TETHER_CALL_MOVE_PAYLOAD;
  EXPECT_REJECTED(SubmitRejected(call), TETHER_E_INVALID_ARG);
  std::free(foreign);
}

TEST_F(BadInputTest, SubmitMovingAFreedPayloadIsInvalidArg) {
  char* buffer = static_cast<char*>(tether_buf_alloc(16));
  ASSERT_EQ(tether_buf_free(buffer), TETHER_OK);
  tether_call call = Call(kEcho, std::string_view(buffer, 16));
  call.flags = TETHER_CALL_MOVE_PAYLOAD;
  EXPECT_REJECTED(SubmitRejected(call), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitOverMaxPayloadIsTooLarge) {
  tether_runtime_config config = Config(1);
  config.max_payload_bytes = 8;
  runtime_.reset();
  ASSERT_NO_FATAL_FAILURE(Open(config));
  std::string payload(9, 'x');
  EXPECT_REJECTED(SubmitRejected(Call(kEcho, payload)), TETHER_E_TOO_LARGE);
}

TEST_F(BadInputTest, SubmitCqWithNullQueueIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_cq(rt(), &call_, nullptr, 0, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitCqWithNullRuntimeIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_cq(nullptr, &call_, cq_.get(), 0, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitCqWithNullCallIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_cq(rt(), nullptr, cq_.get(), 0, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitBatchWithNullUserDataIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_batch(rt(), &call_, 1, &Collector::Callback,
                                      nullptr, nullptr, &submitted_),
                  TETHER_E_INVALID_ARG);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
}

TEST_F(BadInputTest, SubmitBatchWithNullSubmittedOutIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_batch(rt(), &call_, 1, &Collector::Callback,
                                      user_data_, nullptr, nullptr),
                  TETHER_E_INVALID_ARG);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
}

TEST_F(BadInputTest, SubmitBatchWithNullCallsIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_batch(rt(), nullptr, 1, &Collector::Callback,
                                      user_data_, nullptr, &submitted_),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitBatchWithNullCallbackIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_batch(rt(), &call_, 1, nullptr, user_data_,
                                      nullptr, &submitted_),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitBatchWithNullRuntimeIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_batch(nullptr, &call_, 1, &Collector::Callback,
                                      user_data_, nullptr, &submitted_),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitBatchCqWithNullTagsIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_batch_cq(rt(), &call_, 1, cq_.get(), nullptr,
                                         nullptr, &submitted_),
                  TETHER_E_INVALID_ARG);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
}

TEST_F(BadInputTest, SubmitBatchCqWithNullQueueIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_batch_cq(rt(), &call_, 1, nullptr, tags_,
                                         nullptr, &submitted_),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, SubmitBatchCqWithNullSubmittedOutIsInvalidArg) {
  EXPECT_REJECTED(tether_submit_batch_cq(rt(), &call_, 1, cq_.get(), tags_,
                                         nullptr, nullptr),
                  TETHER_E_INVALID_ARG);
}

// --- cancel ----------------------------------------------------------------

TEST_F(BadInputTest, CancelWithNullRuntimeIsInvalidArg) {
  EXPECT_REJECTED(tether_cancel(nullptr, 1), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CancelOfTicketZeroIsStaleAndLogged) {
  EXPECT_REJECTED(tether_cancel(rt(), 0), TETHER_E_STALE_TICKET);
}

// --- completion queues -----------------------------------------------------

TEST_F(BadInputTest, CqOpenWithNullRuntimeIsInvalidArg) {
  tether_cq* cq = nullptr;
  EXPECT_REJECTED(tether_cq_open(nullptr, &cq), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqOpenWithNullOutIsInvalidArg) {
  EXPECT_REJECTED(tether_cq_open(rt(), nullptr), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqFdOfNullIsMinusOne) {
  EXPECT_EQ(tether_cq_fd(nullptr), -1);
}

TEST_F(BadInputTest, CqResetFdOfNullIsInvalidArg) {
  EXPECT_REJECTED(tether_cq_reset_fd(nullptr), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqPollWithNullQueueIsInvalidArg) {
  tether_completion out;
  size_t count = 0;
  EXPECT_REJECTED(tether_cq_poll(nullptr, &out, sizeof out, 1, 0, &count),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqPollWithNullOutIsInvalidArg) {
  size_t count = 0;
  EXPECT_REJECTED(tether_cq_poll(cq_.get(), nullptr, sizeof(tether_completion),
                                 1, 0, &count),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqPollWithNullCountOutIsInvalidArg) {
  tether_completion out;
  EXPECT_REJECTED(tether_cq_poll(cq_.get(), &out, sizeof out, 1, 0, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqPollWithMaxZeroIsInvalidArg) {
  tether_completion out;
  size_t count = 0;
  EXPECT_REJECTED(tether_cq_poll(cq_.get(), &out, sizeof out, 0, 0, &count),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqPollWithElemSizeBelowMinimumIsInvalidArg) {
  tether_completion out;
  size_t count = 0;
  EXPECT_REJECTED(tether_cq_poll(cq_.get(), &out,
                                 TETHER_COMPLETION_MIN_SIZE - 1, 1, 0, &count),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqTakeChecksItsArgumentsAsPollDoes) {
  tether_completion out;
  size_t count = 7;
  EXPECT_REJECTED(tether_cq_take(nullptr, &out, sizeof out, 1, &count),
                  TETHER_E_INVALID_ARG);
  EXPECT_EQ(count, 0u);
  EXPECT_REJECTED(tether_cq_take(cq_.get(), nullptr, sizeof out, 1, &count),
                  TETHER_E_INVALID_ARG);
  EXPECT_REJECTED(tether_cq_take(cq_.get(), &out, sizeof out, 1, nullptr),
                  TETHER_E_INVALID_ARG);
  EXPECT_REJECTED(tether_cq_take(cq_.get(), &out, sizeof out, 0, &count),
                  TETHER_E_INVALID_ARG);
  EXPECT_REJECTED(tether_cq_take(cq_.get(), &out,
                                 TETHER_COMPLETION_MIN_SIZE - 1, 1, &count),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, CqShutdownOfNullIsInvalidArg) {
  EXPECT_REJECTED(tether_cq_shutdown(nullptr), TETHER_E_INVALID_ARG);
}

// --- log -------------------------------------------------------------------

TEST_F(BadInputTest, LogSinkWithUnknownLevelIsInvalidArg) {
  EXPECT_REJECTED(tether_log_set_sink(nullptr, 0, 99), TETHER_E_INVALID_ARG);
  EXPECT_REJECTED(tether_log_set_sink(nullptr, 0, -1), TETHER_E_INVALID_ARG);
}

// --- runtime ---------------------------------------------------------------

TEST_F(BadInputTest, OpenWithNullLibraryIsInvalidArg) {
  tether_runtime_config config = Config(1);
  EXPECT_REJECTED(OpenWith(nullptr, config), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithNullRuntimeOutIsInvalidArg) {
  tether_runtime_config config = Config(1);
  EXPECT_REJECTED(tether_runtime_open(TestLibrary(), &config, nullptr, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithTooManyLanesIsInvalidArg) {
  EXPECT_REJECTED(OpenWith(TestLibrary(), Config(257)), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithUnknownDeliveryIsInvalidArg) {
  EXPECT_REJECTED(OpenWith(TestLibrary(), Config(1, 7)), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithCallCreditsOverMaximumIsInvalidArg) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = (1u << 20) + 1;
  EXPECT_REJECTED(OpenWith(TestLibrary(), config), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithMaxPayloadOverBufferMaximumIsInvalidArg) {
  tether_runtime_config config = Config(1);
  config.max_payload_bytes = TETHER_BUF_MAX_SIZE + 1;
  EXPECT_REJECTED(OpenWith(TestLibrary(), config), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithAByteCreditBelowTheLargestPayloadIsInvalidArg) {
  // Otherwise a payload under max_payload_bytes but over the byte credit
  // would be busy for ever, on an idle runtime.
  tether_runtime_config config = Config(1);
  config.max_bytes_in_flight = 1000;
  config.max_payload_bytes = 1001;
  tether_runtime* runtime = nullptr;
  char* error = nullptr;
  EXPECT_REJECTED(tether_runtime_open(TestLibrary(), &config, &runtime, &error),
                  TETHER_E_INVALID_ARG);
  EXPECT_EQ(runtime, nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_NE(std::string(error).find("max_bytes_in_flight"), std::string::npos)
      << error;
  tether_buf_free(error);
}

TEST_F(BadInputTest, OpenWithAByteCreditEqualToTheLargestPayloadWorks) {
  tether_runtime_config config = Config(1);
  config.max_bytes_in_flight = 1000;
  config.max_payload_bytes = 1000;
  EXPECT_EQ(OpenWith(TestLibrary(), config), TETHER_OK);
}

TEST_F(BadInputTest, OpenWithTooSmallConfigStructIsInvalidArg) {
  tether_runtime_config config = Config(1);
  config.struct_size = sizeof(size_t);
  EXPECT_REJECTED(OpenWith(TestLibrary(), config), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithNewerConfigStructIsVersion) {
  struct {
    tether_runtime_config config;
    uint64_t field_from_the_future;
  } newer{};
  newer.config = Config(1);
  newer.config.struct_size = sizeof newer;
  EXPECT_REJECTED(OpenWith(TestLibrary(), newer.config), TETHER_E_VERSION);
}

TEST_F(BadInputTest, OpenWithNewerLibraryAbiIsVersion) {
  tether_library library = *TestLibrary();
  library.abi_version = TETHER_LIBRARY_ABI_VERSION + 1;
  EXPECT_REJECTED(OpenWith(&library, Config(1)), TETHER_E_VERSION);
}

TEST_F(BadInputTest, OpenWithLibraryMissingHandleIsInvalidArg) {
  tether_library library = *TestLibrary();
  library.handle = nullptr;
  EXPECT_REJECTED(OpenWith(&library, Config(1)), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithLibraryMissingLaneStartIsInvalidArg) {
  tether_library library = *TestLibrary();
  library.lane_start = nullptr;
  EXPECT_REJECTED(OpenWith(&library, Config(1)), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenPathWithNullPathIsInvalidArg) {
  tether_runtime_config config = Config(1);
  tether_runtime* runtime = nullptr;
  EXPECT_REJECTED(tether_runtime_open_path(nullptr, kModuleEntry, &config,
                                           &runtime, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenPathWithNullSymbolIsInvalidArg) {
  tether_runtime_config config = Config(1);
  tether_runtime* runtime = nullptr;
  EXPECT_REJECTED(tether_runtime_open_path(TETHER_TEST_MODULE_PATH, nullptr,
                                           &config, &runtime, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, ShutdownWithNullRuntimeIsInvalidArg) {
  EXPECT_REJECTED(tether_runtime_shutdown(nullptr, TETHER_SHUTDOWN_CANCEL, 0),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, ShutdownWithUnknownModeIsInvalidArgAndChangesNothing) {
  EXPECT_REJECTED(tether_runtime_shutdown(rt(), 7, 0), TETHER_E_INVALID_ARG);
  ASSERT_EQ(Submit(collector_, 0, Call(kNoop)), TETHER_OK);
  EXPECT_TRUE(collector_.WaitForTotal(1));
}

TEST_F(BadInputTest, LanesOfNullIsZero) {
  EXPECT_EQ(tether_runtime_lanes(nullptr), 0u);
}

// --- stats -----------------------------------------------------------------

TEST_F(BadInputTest, StatsOfNullRuntimeIsInvalidArg) {
  tether_stats stats;
  tether_stats_init(&stats);
  EXPECT_REJECTED(tether_runtime_stats(nullptr, &stats), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, StatsIntoNullIsInvalidArg) {
  EXPECT_REJECTED(tether_runtime_stats(rt(), nullptr), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, StatsWithTooSmallStructIsInvalidArg) {
  tether_stats stats;
  tether_stats_init(&stats);
  stats.struct_size = 0;
  EXPECT_REJECTED(tether_runtime_stats(rt(), &stats), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, LaneStatsOfLaneOutOfRangeIsInvalidArg) {
  tether_lane_stats stats;
  tether_lane_stats_init(&stats);
  EXPECT_REJECTED(tether_runtime_lane_stats(rt(), 1, &stats),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, LaneStatsOfNullRuntimeIsInvalidArg) {
  tether_lane_stats stats;
  tether_lane_stats_init(&stats);
  EXPECT_REJECTED(tether_runtime_lane_stats(nullptr, 0, &stats),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, LaneStatsIntoNullIsInvalidArg) {
  EXPECT_REJECTED(tether_runtime_lane_stats(rt(), 0, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, LaneStatsWithTooSmallStructIsInvalidArg) {
  tether_lane_stats stats;
  tether_lane_stats_init(&stats);
  stats.struct_size = 0;
  EXPECT_REJECTED(tether_runtime_lane_stats(rt(), 0, &stats),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, LeakReportWithNullReportOutIsInvalidArg) {
  uint64_t findings = 0;
  EXPECT_REJECTED(tether_runtime_leak_report(rt(), nullptr, &findings),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, LeakReportWithNullFindingsOutIsInvalidArg) {
  char* report = nullptr;
  EXPECT_REJECTED(tether_runtime_leak_report(rt(), &report, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, LeakReportOfNullRuntimeIsInvalidArg) {
  char* report = nullptr;
  uint64_t findings = 0;
  EXPECT_REJECTED(tether_runtime_leak_report(nullptr, &report, &findings),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, OpenWithUnknownLeakCheckIsInvalidArg) {
  tether_runtime_config config = Config(1);
  config.leak_check = 99;
  EXPECT_REJECTED(OpenWith(TestLibrary(), config), TETHER_E_INVALID_ARG);
}

// --- handles ---------------------------------------------------------------

TEST_F(BadInputTest, RetainOfHandleZeroIsStale) {
  EXPECT_REJECTED(tether_handle_retain(0), TETHER_E_STALE_TICKET);
}

TEST_F(BadInputTest, ReleaseOfNeverIssuedHandleIsStale) {
  EXPECT_REJECTED(tether_handle_release(0xffff'fff0'0000'1234),
                  TETHER_E_STALE_TICKET);
}

// --- streams ---------------------------------------------------------------

TEST_F(BadInputTest, StreamOpenWithNullRuntimeIsInvalidArg) {
  tether_stream* stream = nullptr;
  EXPECT_REJECTED(tether_stream_open(nullptr, &stream), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, StreamOpenWithNullOutIsInvalidArg) {
  EXPECT_REJECTED(tether_stream_open(rt(), nullptr), TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, StreamSubmitWithNullStreamIsInvalidArg) {
  EXPECT_REJECTED(
      tether_stream_submit(nullptr, &call_, &Collector::Callback, 0, nullptr),
      TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, StreamSubmitWithNullCallIsInvalidArg) {
  EXPECT_REJECTED(tether_stream_submit(stream_.get(), nullptr,
                                       &Collector::Callback, 0, nullptr),
                  TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, StreamSubmitWithNullCallbackIsInvalidArg) {
  EXPECT_REJECTED(
      tether_stream_submit(stream_.get(), &call_, nullptr, 0, nullptr),
      TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, StreamSubmitCqWithNullQueueIsInvalidArg) {
  EXPECT_REJECTED(
      tether_stream_submit_cq(stream_.get(), &call_, nullptr, 0, nullptr),
      TETHER_E_INVALID_ARG);
}

TEST_F(BadInputTest, StreamSubmitCqWithNullStreamIsInvalidArg) {
  EXPECT_REJECTED(
      tether_stream_submit_cq(nullptr, &call_, cq_.get(), 0, nullptr),
      TETHER_E_INVALID_ARG);
}

// --- status and version ----------------------------------------------------

TEST_F(BadInputTest, StatusStrOfUnknownValueIsUnknown) {
  EXPECT_STREQ(tether_status_str(999), "TETHER_E_UNKNOWN");
  EXPECT_STREQ(tether_status_str(-1), "TETHER_E_UNKNOWN");
}

TEST_F(BadInputTest, StatusStrNamesEachKnownStatus) {
  EXPECT_STREQ(tether_status_str(TETHER_OK), "TETHER_OK");
  EXPECT_STREQ(tether_status_str(TETHER_E_BUSY), "TETHER_E_BUSY");
  EXPECT_STREQ(tether_status_str(TETHER_E_FORKED), "TETHER_E_FORKED");
  EXPECT_STREQ(tether_status_str(TETHER_E_INTERNAL), "TETHER_E_INTERNAL");
}

TEST_F(BadInputTest, LoadedVersionMatchesTheHeader) {
  EXPECT_EQ(tether_version_number(),
            static_cast<uint32_t>(TETHER_VERSION_NUMBER));
  EXPECT_STREQ(tether_version_string(), TETHER_VERSION_STRING);
}

}  // namespace
}  // namespace tether_test
