// Tickets and request ids name their runtime: one runtime's value handed to
// another finds nothing there.
#include "log_capture.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

class TicketsTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
    tether_runtime_config config = Config(1);
    tether_runtime* other = nullptr;
    ASSERT_EQ(tether_runtime_open(TestLibrary(), &config, &other, nullptr),
              TETHER_OK);
    other_.reset(other);
  }
  void TearDown() override {
    other_.reset();
    RuntimeTest::TearDown();
  }

  tether_status SubmitTo(tether_runtime* runtime, Collector& collector,
                         size_t index, const tether_call& call,
                         uint64_t* ticket) {
    ApiScope scope;
    return tether_submit(runtime, &call, &Collector::Callback,
                         collector.user_data(index), ticket);
  }

  RuntimePtr other_;
};

TEST_F(TicketsTest, TheFirstCallsOfTwoRuntimesHaveDifferentTickets) {
  Collector collector(2);
  uint64_t mine = 0, theirs = 0;
  ASSERT_EQ(SubmitTo(rt(), collector, 0, Call(kNoop), &mine), TETHER_OK);
  ASSERT_EQ(SubmitTo(other_.get(), collector, 1, Call(kNoop), &theirs),
            TETHER_OK);
  EXPECT_NE(mine, theirs);
  EXPECT_TRUE(collector.WaitForTotal(2));
}

TEST_F(TicketsTest, CancelWithAnotherRuntimesTicketIsStaleAndCancelsNothing) {
  Collector collector(2);
  uint64_t mine = 0, theirs = 0;
  ASSERT_EQ(SubmitTo(rt(), collector, 0, Call(kNeverReply), &mine), TETHER_OK);
  ASSERT_EQ(SubmitTo(other_.get(), collector, 1, Call(kNeverReply), &theirs),
            TETHER_OK);
  LogCapture log;
  EXPECT_EQ(tether_cancel(other_.get(), mine), TETHER_E_STALE_TICKET);
  EXPECT_TRUE(log.Contains("names no live call"));
  // The other runtime's own call is still live: its own ticket cancels it.
  EXPECT_EQ(tether_cancel(other_.get(), theirs), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(collector.completion(1)->status, TETHER_E_CANCELLED);
  EXPECT_EQ(tether_cancel(rt(), mine), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CANCELLED);
}

TEST_F(TicketsTest, AReplyWithAnotherRuntimesRequestIdIsStale) {
  // One library serving two runtimes: on the second runtime's lane 0 it
  // replies with an id the first runtime issued to its own lane 0.
  Collector collector(2);
  uint64_t held = 0;
  ASSERT_EQ(SubmitTo(rt(), collector, 0, Call(kNeverReply), &held), TETHER_OK);
  const std::string payload = EncodeU64(held);
  uint64_t replier = 0;
  ASSERT_EQ(SubmitTo(other_.get(), collector, 1,
                     Call(kReplyToRequestIn, payload), &replier),
            TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(1));
  EXPECT_EQ(Probe::Get().WaitStatus(replier), TETHER_E_STALE_TICKET);
  ASSERT_TRUE(collector.completion(1).has_value());
  EXPECT_EQ(collector.completion(1)->status, TETHER_OK);
  EXPECT_EQ(collector.completion(1)->result, "own");
  // The first runtime's call was not completed by the foreign reply.
  EXPECT_EQ(tether_cancel(rt(), held), TETHER_OK);
  ASSERT_TRUE(collector.WaitForTotal(2));
  EXPECT_EQ(collector.completion(0)->status, TETHER_E_CANCELLED);
}

}  // namespace
}  // namespace tether_test
