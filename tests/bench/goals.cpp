#include "goals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "contender_list.h"
#include "sample_stats.h"

namespace tether_bench {
namespace {

namespace name = contender_name;

constexpr double kMiB = 1024.0 * 1024.0;

const HandlerResults* no_op_pass(const Results& results) {
  for (const HandlerResults& pass : results.passes) {
    if (pass.handler.busy_ns == 0) return &pass;
  }
  return nullptr;
}

// A row's median and, for latency rows, its per-round-trip p50: on a
// loaded machine the mean of a repetition carries every scheduler stall,
// and the p50 says what a round trip costs when nothing stalls it.
struct Figure {
  double median = 0;
  std::optional<double> p50;
};

std::optional<Figure> latency_figure(const HandlerResults* pass,
                                     const char* row) {
  if (pass == nullptr) return std::nullopt;
  for (const LatencyResult& result : pass->latency) {
    if (result.name == row) {
      return Figure{spread_of(result.mean_ns).median,
                    static_cast<double>(percentile(result.round_trip_ns, 0.5))};
    }
  }
  return std::nullopt;
}

std::optional<Figure> throughput_figure(const HandlerResults* pass,
                                        const char* row) {
  if (pass == nullptr) return std::nullopt;
  for (const ThroughputResult& result : pass->throughput) {
    if (result.name == row) {
      return Figure{spread_of(result.calls_per_s).median / 1e6, std::nullopt};
    }
  }
  return std::nullopt;
}

// "74 ns vs 41 ns; p50 70 vs 40 ns = 1.75x" or "2.10 vs 4.00 M calls/s".
std::string detail_of(const Figure& top, const Figure& bottom) {
  char text[160];
  if (top.p50 && bottom.p50) {
    std::snprintf(text, sizeof text, "%.0f ns vs %.0f ns; p50 %.0f vs %.0f ns",
                  top.median, bottom.median, *top.p50, *bottom.p50);
    std::string out = text;
    if (*bottom.p50 > 0) {
      std::snprintf(text, sizeof text, " = %.2fx", *top.p50 / *bottom.p50);
      out += text;
    }
    return out;
  }
  std::snprintf(text, sizeof text, "%.2f vs %.2f M calls/s", top.median,
                bottom.median);
  return text;
}

// A goal on `top / bottom`: at most `limit` when `at_most`, else at least.
Goal ratio_goal(std::string text, const std::optional<Figure>& top,
                const std::optional<Figure>& bottom, double limit,
                bool at_most) {
  Goal goal;
  goal.text = std::move(text);
  if (!top || !bottom || bottom->median <= 0) return goal;
  goal.measured = top->median / bottom->median;
  goal.verdict = (at_most ? goal.measured <= limit : goal.measured >= limit)
                     ? Verdict::kPass
                     : Verdict::kMiss;
  goal.detail = detail_of(*top, *bottom);
  return goal;
}

Note ratio_note(std::string text, const std::optional<Figure>& top,
                const std::optional<Figure>& bottom) {
  Note note;
  note.text = std::move(text);
  if (!top || !bottom || bottom->median <= 0) return note;
  note.measured = top->median / bottom->median;
  note.measured_ok = true;
  note.detail = detail_of(*top, *bottom);
  return note;
}

}  // namespace

GoalReport evaluate_goals(const Results& results) {
  const HandlerResults* pass = no_op_pass(results);
  auto rt = [&](const char* row) { return latency_figure(pass, row); };
  auto tp = [&](const char* row) { return throughput_figure(pass, row); };

  GoalReport report;
  std::vector<Goal>& goals = report.goals;
  goals.push_back(ratio_goal(
      "round trip, lane hot, caller spinning: tether <= 2.0x spin ping-pong",
      rt(name::kTetherOnLane), rt(name::kSpinPingPong), 2.0, true));
  goals.push_back(
      ratio_goal("round trip: tether >= 5x faster than mutex+condvar",
                 rt(name::kMutexCondvar), rt(name::kTetherOnLane), 5.0, false));
  goals.push_back(ratio_goal("round trip: tether >= 2.5x faster than Asio post",
                             rt(name::kAsioPost), rt(name::kTetherOnLane), 2.5,
                             false));
  goals.push_back(ratio_goal(
      "round trip, parked lane, caller sleeping: tether <= 1.2x futex wake",
      rt(name::kTetherParked), rt(name::kFutexWake), 1.2, true));
  goals.push_back(ratio_goal(
      "pipelined, 1 submitter: tether >= 50% of moodycamel 1->1",
      tp(name::kTetherOnLane), tp(name::kMoodycamelSingle), 0.5, false));
  goals.push_back(ratio_goal(
      "pipelined, 1 submitter: tether >= 10x mutex+condvar",
      tp(name::kTetherOnLane), tp(name::kMutexCondvar), 10.0, false));
  goals.push_back(ratio_goal("pipelined, 1 submitter: tether >= 8x Asio post",
                             tp(name::kTetherOnLane), tp(name::kAsioPost), 8.0,
                             false));
  goals.push_back(ratio_goal("round trip: recorder on <= 1.05x recorder off",
                             rt(name::kRecorderOn), rt(name::kTetherOnLane),
                             1.05, true));
  goals.push_back(ratio_goal("pipelined: recorder on >= 0.95x recorder off",
                             tp(name::kRecorderOn), tp(name::kTetherOnLane),
                             0.95, false));
  goals.push_back(ratio_goal(
      "batched submit + batched cq drain >= 25% of moodycamel bulk 32",
      tp(name::kTetherBatchCq), tp(name::kMoodycamelBulk), 0.25, false));

  const MemoryResults& memory = results.memory;
  Goal rss;
  rss.text = "RSS flat over the soak: growth <= 1 MiB";
  rss.unit = "MiB";
  Goal per_call;
  per_call.text = "bytes per in-flight call reported";
  per_call.unit = "B";
  if (memory.measured) {
    const double growth =
        static_cast<double>(memory.rss_after_soak - memory.rss_after_warm_up);
    rss.measured = growth / kMiB;
    rss.verdict = growth <= kMiB ? Verdict::kPass : Verdict::kMiss;
    char detail[200];
    std::snprintf(
        detail, sizeof detail,
        "%.1f -> %.1f MiB over %llu calls; heap %+.3f MiB; second half: "
        "RSS %+.3f MiB",
        static_cast<double>(memory.rss_after_warm_up) / kMiB,
        static_cast<double>(memory.rss_after_soak) / kMiB,
        static_cast<unsigned long long>(memory.soak_calls_done),
        static_cast<double>(memory.heap_after_soak -
                            memory.heap_after_warm_up) /
            kMiB,
        static_cast<double>(memory.rss_after_soak - memory.rss_at_half_soak) /
            kMiB);
    rss.detail = detail;
    if (memory.heap_known) {
      per_call.measured = memory.reserved_heap_bytes_per_credit +
                          std::max(0.0, memory.grown_heap_bytes_per_call);
      std::snprintf(detail, sizeof detail,
                    "heap: %.0f B reserved per credit + %.1f B grown per "
                    "queued call; RSS grew %.1f B per queued call",
                    memory.reserved_heap_bytes_per_credit,
                    memory.grown_heap_bytes_per_call,
                    memory.grown_rss_bytes_per_call);
    } else {
      per_call.measured = memory.reserved_rss_bytes_per_credit +
                          std::max(0.0, memory.grown_rss_bytes_per_call);
      std::snprintf(detail, sizeof detail,
                    "RSS (heap unknown here): %.0f B reserved per credit + "
                    "%.1f B grown per queued call",
                    memory.reserved_rss_bytes_per_credit,
                    memory.grown_rss_bytes_per_call);
    }
    per_call.verdict = Verdict::kPass;
    per_call.detail = detail;
  }
  goals.push_back(rss);
  goals.push_back(per_call);

  std::vector<Note>& notes = report.notes;
  notes.push_back(ratio_note("bare minimum (moodycamel) / spin ping-pong",
                             rt(name::kBareMinimum), rt(name::kSpinPingPong)));
  notes.push_back(ratio_note("tether / bare minimum (tether's bookkeeping)",
                             rt(name::kTetherOnLane), rt(name::kBareMinimum)));
  notes.push_back(ratio_note("round trip, 64 B payloads: captured / not",
                             rt(name::kCapture64), rt(name::kPayload64)));
  notes.push_back(ratio_note("pipelined, 64 B payloads: captured / not",
                             tp(name::kCapture64), tp(name::kPayload64)));
  notes.push_back(
      ratio_note("tether parked lane, caller sleeping / eventfd+epoll wake",
                 rt(name::kTetherParked), rt(name::kEventfdEpoll)));
  return report;
}

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kMiss:
      return "MISS";
    case Verdict::kNotMeasured:
      return "n/a";
  }
  return "n/a";
}

}  // namespace tether_bench
