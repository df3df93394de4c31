// The replay plan: which records are sent again, and in what order.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "replay_plan.h"

namespace tether::replay {
namespace {

Record record(uint32_t lane, uint64_t seq, uint64_t submit_ns,
              uint32_t wait_ns) {
  Record r;
  r.lane = lane;
  r.seq = seq;
  r.submit_ns = submit_ns;
  r.wait_ns = wait_ns;
  r.has_payload = true;
  return r;
}

std::vector<std::pair<uint32_t, uint64_t>> order_of(const ReplayPlan& plan) {
  std::vector<std::pair<uint32_t, uint64_t>> order;
  for (const Record* r : plan.calls) order.emplace_back(r->lane, r->seq);
  return order;
}

using Order = std::vector<std::pair<uint32_t, uint64_t>>;

TEST(ReplayPlanTest, OrdersByTheMomentTheLaneStartedTheCall) {
  Recording recording;
  // Lane 0 was submitted to first but waited longest in its queue.
  recording.records = {record(0, 0, 100, 500), record(0, 1, 700, 0),
                       record(1, 0, 200, 100), record(1, 1, 400, 0)};
  EXPECT_EQ(order_of(make_plan(recording)),
            (Order{{1, 0}, {1, 1}, {0, 0}, {0, 1}}));
}

TEST(ReplayPlanTest, BreaksTiesByLaneThenSeq) {
  Recording recording;
  recording.records = {record(0, 7, 90, 10), record(0, 8, 100, 0),
                       record(1, 2, 50, 50), record(2, 0, 100, 0)};
  EXPECT_EQ(order_of(make_plan(recording)),
            (Order{{0, 7}, {0, 8}, {1, 2}, {2, 0}}));
}

TEST(ReplayPlanTest, AStartPastTheClocksEndDoesNotWrap) {
  Recording recording;
  recording.records = {record(0, 0, UINT64_MAX - 1, 4000000000u),
                       record(1, 0, UINT64_MAX, 0), record(2, 0, 5, 0)};
  EXPECT_EQ(order_of(make_plan(recording)), (Order{{2, 0}, {1, 0}, {0, 0}}));
}

TEST(ReplayPlanTest, LeavesOutSkippedAndUncapturedRecordsAndCountsThem) {
  Recording recording;
  Record skipped = record(0, 0, 10, 0);
  skipped.outcome = Outcome::kSkipped;
  Record skipped_uncaptured = record(0, 1, 20, 0);
  skipped_uncaptured.outcome = Outcome::kSkipped;
  skipped_uncaptured.len = 9;
  skipped_uncaptured.has_payload = false;
  Record uncaptured = record(0, 2, 30, 0);
  uncaptured.len = 9;
  uncaptured.has_payload = false;
  Record running = record(0, 3, 40, 0);
  running.outcome = Outcome::kRunning;
  Record pending = record(1, 0, 35, 0);
  pending.outcome = Outcome::kPending;
  recording.records = {skipped, skipped_uncaptured, uncaptured, running,
                       pending};
  const ReplayPlan plan = make_plan(recording);
  EXPECT_EQ(plan.skipped, 2u);
  EXPECT_EQ(plan.not_captured, 1u);
  EXPECT_EQ(order_of(plan), (Order{{1, 0}, {0, 3}}));
}

TEST(ReplayPlanTest, AnEmptyRecordingPlansNothing) {
  const ReplayPlan plan = make_plan(Recording{});
  EXPECT_TRUE(plan.calls.empty());
  EXPECT_EQ(plan.skipped, 0u);
  EXPECT_EQ(plan.not_captured, 0u);
}

}  // namespace
}  // namespace tether::replay
