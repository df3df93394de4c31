// The one rule for versioned structs (tether/types.h), applied to each:
// a struct a host fills is refused below version 1 (INVALID_ARG) and above
// what this tether knows (VERSION); a struct tether fills is refused below
// version 1 and filled up to what tether knows when larger.
#include <cstring>

#include "expect_rejected.h"
#include "log_capture.h"
#include "runtime_test.h"

namespace tether_test {
namespace {

constexpr unsigned char kUntouched = 0xab;

class VersionsTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(Open(Config(1)));
  }

  tether_status OpenWith(const tether_library* library) {
    return OpenThenDestroy(library, Config(1));
  }

  LogCapture log_;
};

TEST_F(VersionsTest, ANewerCallIsVersionAndNothingIsAccepted) {
  struct {
    tether_call call;
    uint64_t field_from_the_future;
  } newer{};
  newer.call = Call(kNoop);
  newer.call.struct_size = sizeof newer;
  Collector collector(1);
  EXPECT_REJECTED(tether_submit(rt(), &newer.call, &Collector::Callback,
                                collector.user_data(0), nullptr),
                  TETHER_E_VERSION);
  size_t submitted = 7;
  uint64_t user_data[1] = {collector.user_data(0)};
  EXPECT_REJECTED(
      tether_submit_batch(rt(), &newer.call, 1, &Collector::Callback, user_data,
                          nullptr, &submitted),
      TETHER_E_VERSION);
  EXPECT_EQ(submitted, 0u);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
}

TEST_F(VersionsTest, ABatchWhoseStrideChangesPartWayIsRefusedWhole) {
  tether_call calls[2] = {Call(kNoop), Call(kNoop)};
  calls[1].struct_size = sizeof(tether_call) - 8;
  Collector collector(2);
  uint64_t user_data[2] = {collector.user_data(0), collector.user_data(1)};
  size_t submitted = 7;
  EXPECT_REJECTED(tether_submit_batch(rt(), calls, 2, &Collector::Callback,
                                      user_data, nullptr, &submitted),
                  TETHER_E_INVALID_ARG);
  EXPECT_EQ(submitted, 0u);
  EXPECT_EQ(Stats(rt()).submitted, 0u);
}

TEST_F(VersionsTest, ANewerLibraryTableIsVersion) {
  struct {
    tether_library library;
    void* entry_from_the_future;
  } newer{};
  newer.library = *TestLibrary();
  newer.library.struct_size = sizeof newer;
  EXPECT_REJECTED(OpenWith(&newer.library), TETHER_E_VERSION);
}

TEST_F(VersionsTest, ALibraryTableBelowVersionOneIsInvalidArg) {
  tether_library library = *TestLibrary();
  library.struct_size = offsetof(tether_library, handle);
  EXPECT_REJECTED(OpenWith(&library), TETHER_E_INVALID_ARG);
}

TEST_F(VersionsTest, StatsBelowVersionOneAreInvalidArgAndUntouched) {
  tether_stats stats;
  std::memset(&stats, kUntouched, sizeof stats);
  stats.struct_size = sizeof(tether_stats) - sizeof(uint64_t);
  EXPECT_REJECTED(tether_runtime_stats(rt(), &stats), TETHER_E_INVALID_ARG);
  EXPECT_EQ(stats.struct_size, sizeof(tether_stats) - sizeof(uint64_t));
  EXPECT_EQ(stats.submitted, 0xababababababababull);
}

TEST_F(VersionsTest, LargerStatsGetWhatThisTetherKnows) {
  struct {
    tether_stats stats;
    uint64_t tail;
  } larger;
  std::memset(&larger, kUntouched, sizeof larger);
  larger.stats.struct_size = sizeof larger;
  ASSERT_EQ(tether_runtime_stats(rt(), &larger.stats), TETHER_OK);
  EXPECT_EQ(larger.stats.struct_size, sizeof(tether_stats));
  EXPECT_EQ(larger.stats.lanes, 1u);
  EXPECT_EQ(larger.tail, 0xababababababababull);
}

TEST_F(VersionsTest, LaneStatsBelowVersionOneAreInvalidArg) {
  tether_lane_stats stats;
  tether_lane_stats_init(&stats);
  stats.struct_size = offsetof(tether_lane_stats, parks);
  EXPECT_REJECTED(tether_runtime_lane_stats(rt(), 0, &stats),
                  TETHER_E_INVALID_ARG);
}

TEST_F(VersionsTest, LargerLaneStatsGetWhatThisTetherKnows) {
  struct {
    tether_lane_stats stats;
    uint64_t tail;
  } larger;
  std::memset(&larger, kUntouched, sizeof larger);
  larger.stats.struct_size = sizeof larger;
  ASSERT_EQ(tether_runtime_lane_stats(rt(), 0, &larger.stats), TETHER_OK);
  EXPECT_EQ(larger.stats.struct_size, sizeof(tether_lane_stats));
  EXPECT_EQ(larger.stats.lane, 0u);
  EXPECT_EQ(larger.tail, 0xababababababababull);
}

}  // namespace
}  // namespace tether_test
