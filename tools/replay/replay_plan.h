// Which records of a recording are sent again, and in what order: the
// order the lanes started them, so that per-lane and per-key order are the
// recorded ones.
#ifndef TETHER_TOOLS_REPLAY_REPLAY_PLAN_H_
#define TETHER_TOOLS_REPLAY_REPLAY_PLAN_H_

#include <cstdint>
#include <vector>

#include "recording.h"

namespace tether::replay {

struct ReplayPlan {
  // Pointers into the recording the plan was made from, which must outlive
  // it; sorted by start (submit_ns + wait_ns), then lane, then seq.
  std::vector<const Record*> calls;
  // Records with outcome "skipped": the lane never ran them.
  uint64_t skipped = 0;
  // Records with a payload that was not captured (len > 0, no payload).
  uint64_t not_captured = 0;
};

// The moment a record's lane started it, on the recording's clock. Never
// wraps (a 64-bit submit time plus a 32-bit wait).
unsigned __int128 start_ns(const Record& record);

ReplayPlan make_plan(const Recording& recording);

}  // namespace tether::replay

#endif  // TETHER_TOOLS_REPLAY_REPLAY_PLAN_H_
