// The targets tether sets itself against its floors and peers, checked
// against one run's medians (the no-op handler's tables) and memory
// figures. Nothing is asserted: each goal is reported as met or missed.
#ifndef TETHER_BENCH_GOALS_H
#define TETHER_BENCH_GOALS_H

#include <string>
#include <vector>

#include "measurement.h"

namespace tether_bench {

enum class Verdict {
  kPass,
  kMiss,
  kNotMeasured,  // a row it needs was filtered out or not run
};

struct Goal {
  // What is compared, as a sentence with the target in it.
  std::string text;
  // The measured ratio or figure, and its unit ("x", "B").
  double measured = 0;
  const char* unit = "x";
  Verdict verdict = Verdict::kNotMeasured;
  // Figures behind the ratio, for the reader ("74 ns vs 41 ns").
  std::string detail;
};

// Context that is not a goal but says where the time goes.
struct Note {
  std::string text;
  double measured = 0;
  std::string detail;
  bool measured_ok = false;
};

struct GoalReport {
  std::vector<Goal> goals;
  std::vector<Note> notes;
};

GoalReport evaluate_goals(const Results& results);

const char* verdict_name(Verdict verdict);

}  // namespace tether_bench

#endif  // TETHER_BENCH_GOALS_H
