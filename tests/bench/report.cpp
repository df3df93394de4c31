#include "report.h"

#include <algorithm>
#include <string>

#include "report_rows.h"
#include "sample_stats.h"

namespace tether_bench {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

template <class Result>
int name_width(const std::vector<Result>& rows) {
  size_t width = 9;  // "contender"
  for (const Result& row : rows) width = std::max(width, row.name.size());
  return static_cast<int>(width);
}

std::string ratio_text(double ratio) {
  if (ratio <= 0) return "-";
  char text[24];
  std::snprintf(text, sizeof text, "%.3g", ratio);
  return text;
}

void print_latency(std::FILE* out, const HandlerResults& pass) {
  const std::vector<LatencyResult>& rows = pass.latency;
  if (rows.empty()) return;
  const LatencyResult* reference = find_role(rows, Role::kReference);
  const LatencyResult* floor = find_role(rows, Role::kBound);
  std::fprintf(
      out,
      "\n(a) Round-trip latency, %s handler: submit one call, wait for its "
      "completion, repeat.\n"
      "    How each caller waits is said under the table.\n"
      "    median/min-max: mean round trip per repetition; p50/p99/p99.9: "
      "per round trip, all reps.\n"
      "    x tether: median / median of '%s'; x floor: median / median of "
      "'%s' (above 1 = slower).\n\n",
      pass.handler.name, reference != nullptr ? reference->name.c_str() : "-",
      floor != nullptr ? floor->name.c_str() : "-");
  const int width = name_width(rows);
  std::fprintf(out, "%-*s %9s %19s %8s %8s %9s %8s %8s\n", width, "contender",
               "median ns", "min-max ns", "p50 ns", "p99 ns", "p99.9 ns",
               "x tether", "x floor");
  for (const LatencyResult& row : rows) {
    Spread spread = spread_of(row.mean_ns);
    char range[48];
    std::snprintf(range, sizeof(range), "%.0f-%.0f", spread.min, spread.max);
    std::fprintf(
        out, "%-*s %9.0f %19s %8llu %8llu %9llu %8s %8s\n", width,
        row.name.c_str(), spread.median, range,
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.5)),
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.99)),
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.999)),
        ratio_text(median_ratio(row, reference)).c_str(),
        ratio_text(median_ratio(row, floor)).c_str());
  }
  if (reference != nullptr && floor != nullptr) {
    double ref = spread_of_row(*reference).median;
    double bound = spread_of_row(*floor).median;
    std::fprintf(out, "\n'%s' / '%s' = %.2f (%.0f ns above the floor)\n",
                 reference->name.c_str(), floor->name.c_str(), ref / bound,
                 ref - bound);
  }
  std::fprintf(out, "\n");
  for (const LatencyResult& row : rows) {
    uint64_t fewest = *std::min_element(row.round_trips_done.begin(),
                                        row.round_trips_done.end());
    char count[96];
    if (fewest < row.round_trips_per_rep) {
      std::snprintf(count, sizeof count,
                    "%llu round trips/rep (time budget: fewest %llu)",
                    static_cast<unsigned long long>(row.round_trips_per_rep),
                    static_cast<unsigned long long>(fewest));
    } else {
      std::snprintf(count, sizeof count, "%llu round trips/rep",
                    static_cast<unsigned long long>(row.round_trips_per_rep));
    }
    std::fprintf(out, "  %-*s %s; %s\n", width, row.name.c_str(),
                 row.how.c_str(), count);
  }
}

void print_throughput(std::FILE* out, const HandlerResults& pass) {
  const std::vector<ThroughputResult>& rows = pass.throughput;
  if (rows.empty()) return;
  const ThroughputResult* reference = find_role(rows, Role::kReference);
  const ThroughputResult* ceiling = find_role(rows, Role::kBound);
  std::fprintf(
      out,
      "\n(b) Pipelined throughput, %s handler: submit N calls as fast as "
      "possible (retrying\n"
      "    TETHER_E_BUSY), completions counted; calls/s until all N "
      "completed.\n"
      "    median/min-max over repetitions, in millions of calls per "
      "second.\n"
      "    x tether: median / median of '%s'; x ceiling: median / median of "
      "'%s' (above 1 = faster).\n\n",
      pass.handler.name, reference != nullptr ? reference->name.c_str() : "-",
      ceiling != nullptr ? ceiling->name.c_str() : "-");
  const int width = name_width(rows);
  std::fprintf(out, "%-*s %11s %19s %9s %9s\n", width, "contender",
               "median M/s", "min-max M/s", "x tether", "x ceiling");
  for (const ThroughputResult& row : rows) {
    Spread spread = spread_of(row.calls_per_s);
    char range[48];
    std::snprintf(range, sizeof(range), "%.3f-%.3f", spread.min / 1e6,
                  spread.max / 1e6);
    std::fprintf(out, "%-*s %11.3f %19s %9s %9s\n", width, row.name.c_str(),
                 spread.median / 1e6, range,
                 ratio_text(median_ratio(row, reference)).c_str(),
                 ratio_text(median_ratio(row, ceiling)).c_str());
  }
  if (reference != nullptr && ceiling != nullptr) {
    std::fprintf(out, "\n'%s' / '%s' = %.2f\n", reference->name.c_str(),
                 ceiling->name.c_str(), median_ratio(*reference, ceiling));
  }
  std::fprintf(out, "\n");
  for (const ThroughputResult& row : rows) {
    std::fprintf(out, "  %-*s %s; %llu calls/rep\n", width, row.name.c_str(),
                 row.how.c_str(),
                 static_cast<unsigned long long>(row.calls_per_rep));
  }
}

void print_memory(std::FILE* out, const MemoryResults& memory) {
  if (!memory.measured) return;
  std::fprintf(
      out,
      "\n(c) Memory, read from mallinfo2 (heap: bytes malloc handed out) and "
      "/proc/self/statm (RSS).\n"
      "  reserved per call credit when a runtime opens: %.0f B heap, %.0f B "
      "RSS\n"
      "    (runtimes with %u and %u credits; the difference in what each "
      "open added, per credit;\n"
      "    RSS misses pages malloc reuses)\n"
      "  grown per in-flight call: %.1f B heap, %.1f B RSS\n"
      "    (%llu calls held behind a lane blocked in a handler; tether "
      "counted %llu in flight)\n"
      "  soak: %llu of %llu calls in %.1f s after a warm-up that filled "
      "every queue once, rotating\n"
      "    callback on lane, callback on delivery thread, batch submit into "
      "a completion queue:\n"
      "    RSS %.2f -> %.2f MiB (%+.3f MiB), heap %+.3f MiB; second half "
      "alone: RSS %+.3f MiB, heap %+.3f MiB\n",
      memory.reserved_heap_bytes_per_credit,
      memory.reserved_rss_bytes_per_credit, memory.credits_small,
      memory.credits_large, memory.grown_heap_bytes_per_call,
      memory.grown_rss_bytes_per_call,
      static_cast<unsigned long long>(memory.in_flight_calls),
      static_cast<unsigned long long>(memory.in_flight_reported),
      static_cast<unsigned long long>(memory.soak_calls_done),
      static_cast<unsigned long long>(memory.soak_calls_asked),
      memory.soak_seconds, static_cast<double>(memory.rss_after_warm_up) / kMiB,
      static_cast<double>(memory.rss_after_soak) / kMiB,
      static_cast<double>(memory.rss_after_soak - memory.rss_after_warm_up) /
          kMiB,
      static_cast<double>(memory.heap_after_soak - memory.heap_after_warm_up) /
          kMiB,
      static_cast<double>(memory.rss_after_soak - memory.rss_at_half_soak) /
          kMiB,
      static_cast<double>(memory.heap_after_soak - memory.heap_at_half_soak) /
          kMiB);
  if (!memory.heap_known) {
    std::fprintf(out,
                 "  (heap figures are unknown in this build: malloc is not "
                 "glibc's here)\n");
  }
}

void print_goals(std::FILE* out, const GoalReport& report) {
  std::fprintf(out,
               "\n(d) Goals: medians of this run, no-op handler; reported, "
               "not asserted.\n\n");
  size_t width = 0;
  for (const Goal& goal : report.goals) {
    width = std::max(width, goal.text.size());
  }
  for (const Note& note : report.notes) {
    width = std::max(width, note.text.size());
  }
  const int w = static_cast<int>(width);
  for (const Goal& goal : report.goals) {
    if (goal.verdict == Verdict::kNotMeasured) {
      std::fprintf(out, "  %-4s  %-*s %10s\n", verdict_name(goal.verdict), w,
                   goal.text.c_str(), "-");
      continue;
    }
    std::fprintf(out, "  %-4s  %-*s %8.3g %-3s (%s)\n",
                 verdict_name(goal.verdict), w, goal.text.c_str(),
                 goal.measured, goal.unit, goal.detail.c_str());
  }
  bool header = false;
  for (const Note& note : report.notes) {
    if (!note.measured_ok) continue;
    if (!header) std::fprintf(out, "\n  where the time goes:\n");
    header = true;
    std::fprintf(out, "  info  %-*s %8.3g x   (%s)\n", w, note.text.c_str(),
                 note.measured, note.detail.c_str());
  }
}

}  // namespace

void print_report(std::FILE* out, const Results& results,
                  const GoalReport& goals, const Options& options) {
  std::fprintf(out,
               "tether_bench: tether runtimes with 1 lane (2 where a row "
               "says so); %d repetition(s)%s,\n"
               "contenders interleaved; handlers:",
               options.reps, options.smoke ? " (smoke)" : "");
  for (const HandlerResults& pass : results.passes) {
    std::fprintf(out, " %s", pass.handler.name);
  }
  std::fprintf(out,
               ".\nmachine: %u hardware threads, load average %.2f before "
               "and %.2f after (shared: figures are\n"
               "noisy, compare within one run); clock: %s, ~%.0f ns per "
               "read, one read per round trip;\n"
               "the run took %.0f s. tether logged %llu warning(s) (the "
               "growth watch, as runtimes sit at their\n"
               "credit limit) and %llu error(s).\n",
               results.hardware_threads, results.load_before,
               results.load_after, results.clock_source, results.clock_read_ns,
               results.elapsed_s,
               static_cast<unsigned long long>(results.tether_warnings),
               static_cast<unsigned long long>(results.tether_errors));
  if (!results.probe_ns.empty()) {
    std::fprintf(out,
                 "cache-line round trip before each repetition (median spin "
                 "ping-pong, ns):");
    for (double probe : results.probe_ns) std::fprintf(out, " %.0f", probe);
    std::fprintf(out, "\n");
  }
  for (const HandlerResults& pass : results.passes) {
    print_latency(out, pass);
    print_throughput(out, pass);
  }
  print_memory(out, results.memory);
  print_goals(out, goals);
}

}  // namespace tether_bench
