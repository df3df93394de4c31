#include "replay_plan.h"

#include <algorithm>

namespace tether::replay {

unsigned __int128 start_ns(const Record& record) {
  return static_cast<unsigned __int128>(record.submit_ns) + record.wait_ns;
}

ReplayPlan make_plan(const Recording& recording) {
  ReplayPlan plan;
  for (const Record& record : recording.records) {
    if (record.outcome == Outcome::kSkipped) {
      ++plan.skipped;
    } else if (!record.has_payload) {
      ++plan.not_captured;
    } else {
      plan.calls.push_back(&record);
    }
  }
  std::sort(plan.calls.begin(), plan.calls.end(),
            [](const Record* a, const Record* b) {
              const auto a_start = start_ns(*a);
              const auto b_start = start_ns(*b);
              if (a_start != b_start) return a_start < b_start;
              if (a->lane != b->lane) return a->lane < b->lane;
              return a->seq < b->seq;
            });
  return plan;
}

}  // namespace tether::replay
