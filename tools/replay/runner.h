// Replays a plan on an open runtime and compares each outcome with the
// recording, writing the lines the tool prints.
#ifndef TETHER_TOOLS_REPLAY_RUNNER_H_
#define TETHER_TOOLS_REPLAY_RUNNER_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "recording.h"
#include "replay_plan.h"
#include "tether/tether.h"

namespace tether::replay {

struct RunSettings {
  std::chrono::milliseconds timeout{10000};
  // Start each call at its recorded offset from the first call's start.
  bool pace = false;
  // Write no per-call line (differences, timeouts).
  bool quiet = false;
};

struct RunSummary {
  uint64_t replayed = 0;
  uint64_t not_captured = 0;
  uint64_t skipped = 0;
  // Replayed records whose outcome was "running" or "pending".
  uint64_t without_outcome = 0;
  uint64_t differences = 0;
};

// "difference: lane L seq S method M key K: recorded <status> code C,
// replayed <status> code C2" (no newline).
std::string difference_line(const Record& record, int32_t replayed_status,
                            int32_t replayed_code);

// "replayed N calls (U not captured, K skipped, R without a recorded
// outcome): D differences" (no newline).
std::string summary_line(const RunSummary& summary);

// Sends the plan's calls one at a time, each after the previous one
// completed, and writes a line to `out` for each difference and each call
// cancelled for its timeout, flushed at once (a crash later loses none).
RunSummary run_plan(tether_runtime* runtime, const ReplayPlan& plan,
                    const RunSettings& settings, std::FILE* out);

}  // namespace tether::replay

#endif  // TETHER_TOOLS_REPLAY_RUNNER_H_
