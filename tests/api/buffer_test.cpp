// tether buffers: one process-wide allocator; only tether_buf_free frees.
#include <cstdint>
#include <cstdlib>
#include <set>

#include "log_capture.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

using BufferTest = RuntimeTest;

TEST_F(BufferTest, AllocOfZeroGivesADistinctFreeablePointer) {
  void* a = tether_buf_alloc(0);
  void* b = tether_buf_alloc(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(tether_buf_free(a), TETHER_OK);
  EXPECT_EQ(tether_buf_free(b), TETHER_OK);
}

TEST_F(BufferTest, AllocIsAlignedTo16Bytes) {
  for (size_t size : {1, 3, 16, 17, 100, 4096}) {
    void* p = tether_buf_alloc(size);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << "size " << size;
    tether_buf_free(p);
  }
}

TEST_F(BufferTest, SizeReportsTheAllocatedSize) {
  void* p = tether_buf_alloc(123);
  size_t size = 0;
  ASSERT_EQ(tether_buf_size(p, &size), TETHER_OK);
  EXPECT_EQ(size, 123u);
  tether_buf_free(p);
}

TEST_F(BufferTest, LiveCountsAllocationsAndFrees) {
  uint64_t count_before = 0;
  uint64_t bytes_before = 0;
  tether_buf_live(&count_before, &bytes_before);
  void* p = tether_buf_alloc(1000);
  uint64_t count = 0;
  uint64_t bytes = 0;
  tether_buf_live(&count, &bytes);
  EXPECT_EQ(count, count_before + 1);
  EXPECT_GE(bytes, bytes_before + 1000);
  tether_buf_free(p);
  tether_buf_live(&count, &bytes);
  EXPECT_EQ(count, count_before);
  EXPECT_EQ(bytes, bytes_before);
}

TEST_F(BufferTest, FreeOfNullIsOk) {
  EXPECT_EQ(tether_buf_free(nullptr), TETHER_OK);
}

TEST_F(BufferTest, FreeOfMallocPointerIsForeignAndLeavesItAlone) {
  LogCapture log;
  unsigned char* foreign = static_cast<unsigned char*>(std::malloc(64));
  for (int i = 0; i < 64; ++i) foreign[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(tether_buf_free(foreign), TETHER_E_FOREIGN_BUFFER);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(foreign[i], i);
  EXPECT_GT(log.count(), 0u);
  std::free(foreign);
}

TEST_F(BufferTest, DoubleFreeIsReported) {
  void* p = tether_buf_alloc(32);
  ASSERT_EQ(tether_buf_free(p), TETHER_OK);
  LogCapture log;
  EXPECT_EQ(tether_buf_free(p), TETHER_E_DOUBLE_FREE);
  EXPECT_GT(log.count(), 0u);
}

TEST_F(BufferTest, ResultBufferOutlivesItsRuntime) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  tether_cq* raw_cq = nullptr;
  ASSERT_EQ(tether_cq_open(rt(), &raw_cq), TETHER_OK);
  CqPtr cq(raw_cq);
  tether_call call = Call(kEcho, "survivor");
  ASSERT_EQ(tether_submit_cq(rt(), &call, cq.get(), 1, nullptr), TETHER_OK);
  tether_completion c{};
  size_t count = 0;
  ASSERT_EQ(tether_cq_poll(cq.get(), &c, sizeof c, 1, 60'000'000'000, &count),
            TETHER_OK);
  ASSERT_EQ(count, 1u);
  runtime_.reset();
  size_t size = 0;
  ASSERT_EQ(tether_buf_size(c.result, &size), TETHER_OK);
  EXPECT_EQ(size, c.result_len);
  EXPECT_EQ(std::string(static_cast<char*>(c.result), c.result_len),
            "survivor");
  EXPECT_EQ(tether_buf_free(c.result), TETHER_OK);
}

TEST_F(BufferTest, MovedPayloadIsFreedByTether) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  const uint64_t live_before = LiveBuffers();
  char* payload = static_cast<char*>(tether_buf_alloc(5));
  std::memcpy(payload, "moved", 5);
  tether_call call = Call(kEcho, std::string_view(payload, 5));
  call.flags = TETHER_CALL_MOVE_PAYLOAD;
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, call), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(0)->result, "moved");
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(LiveBuffers(), live_before);
}

TEST_F(BufferTest, MovedPayloadOfRejectedSubmitStaysWithTheCaller) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  ASSERT_EQ(tether_runtime_shutdown(rt(), TETHER_SHUTDOWN_CANCEL, 0),
            TETHER_OK);
  void* payload = tether_buf_alloc(8);
  tether_call call =
      Call(kEcho, std::string_view(static_cast<char*>(payload), 8));
  call.flags = TETHER_CALL_MOVE_PAYLOAD;
  Collector collector(1);
  ASSERT_EQ(Submit(collector, 0, call), TETHER_E_CLOSED);
  size_t size = 0;
  EXPECT_EQ(tether_buf_size(payload, &size), TETHER_OK);
  EXPECT_EQ(tether_buf_free(payload), TETHER_OK);
}

TEST_F(BufferTest, MovedPayloadOfBusySubmitStaysWithTheCaller) {
  tether_runtime_config config = Config(1);
  config.max_calls_in_flight = 1;
  ASSERT_NO_FATAL_FAILURE(Open(config));
  Collector collector(2);
  ASSERT_EQ(Submit(collector, 0, Call(kBlock)), TETHER_OK);
  void* payload = tether_buf_alloc(8);
  tether_call call =
      Call(kEcho, std::string_view(static_cast<char*>(payload), 8));
  call.flags = TETHER_CALL_MOVE_PAYLOAD;
  ASSERT_EQ(Submit(collector, 1, call), TETHER_E_BUSY);
  size_t size = 0;
  EXPECT_EQ(tether_buf_size(payload, &size), TETHER_OK);
  EXPECT_EQ(tether_buf_free(payload), TETHER_OK);
  Probe::Get().OpenGate();
  EXPECT_TRUE(collector.WaitForTotal(1));
}

TEST_F(BufferTest, MovedPayloadOfCancelledCallIsFreedByTether) {
  ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  const uint64_t live_before = LiveBuffers();
  void* payload = tether_buf_alloc(64);
  tether_call call =
      Call(kWaitCancelled, std::string_view(static_cast<char*>(payload), 64));
  call.flags = TETHER_CALL_MOVE_PAYLOAD;
  Collector collector(1);
  uint64_t ticket = 0;
  ASSERT_EQ(Submit(collector, 0, call, &ticket), TETHER_OK);
  ASSERT_TRUE(Probe::Get().WaitStarted(kWaitCancelled, 1));
  ASSERT_EQ(tether_cancel(rt(), ticket), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  ASSERT_TRUE(Probe::Get().WaitStatus(ticket).has_value());
  ASSERT_TRUE(WaitNoneInFlight(rt()));
  EXPECT_EQ(LiveBuffers(), live_before);
}

}  // namespace
}  // namespace tether_test
