// The results as one CSV table, a row per figure: every contender of every
// handler pass, the cache-line probe of each repetition, the memory
// figures and the goals. Columns a kind of row has no value for are empty.
#include <cerrno>
#include <cstring>
#include <string_view>

#include "report.h"
#include "report_rows.h"
#include "sample_stats.h"

namespace tether_bench {
namespace {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

template <class Number>
std::string joined(const std::vector<Number>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "%s%.6g", i == 0 ? "" : ";",
                  static_cast<double>(values[i]));
    out += number;
  }
  return out;
}

constexpr const char* kHeader =
    "section,handler,name,role,verdict,unit,median,min,max,p50,p99,p999,vs_"
    "tether,"
    "vs_bound,per_rep,how\n";

}  // namespace

bool write_csv(const std::string& path, const Results& results,
               const GoalReport& goals) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  std::fputs(kHeader, out);
  for (const HandlerResults& pass : results.passes) {
    const LatencyResult* latency_ref =
        find_role(pass.latency, Role::kReference);
    const LatencyResult* floor = find_role(pass.latency, Role::kBound);
    for (const LatencyResult& row : pass.latency) {
      Spread spread = spread_of(row.mean_ns);
      std::fprintf(
          out,
          "latency,%s,%s,%s,,ns,%.1f,%.1f,%.1f,%llu,%llu,%llu,%.4f,%.4f,%s,%"
          "s\n",
          pass.handler.id, csv_field(row.name).c_str(), role_name(row.role),
          spread.median, spread.min, spread.max,
          static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.5)),
          static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.99)),
          static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.999)),
          median_ratio(row, latency_ref), median_ratio(row, floor),
          joined(row.mean_ns).c_str(), csv_field(row.how).c_str());
    }
    const ThroughputResult* throughput_ref =
        find_role(pass.throughput, Role::kReference);
    const ThroughputResult* ceiling = find_role(pass.throughput, Role::kBound);
    for (const ThroughputResult& row : pass.throughput) {
      Spread spread = spread_of(row.calls_per_s);
      std::fprintf(
          out,
          "throughput,%s,%s,%s,,calls/s,%.1f,%.1f,%.1f,,,,%.4f,%.4f,%s,"
          "%s\n",
          pass.handler.id, csv_field(row.name).c_str(), role_name(row.role),
          spread.median, spread.min, spread.max,
          median_ratio(row, throughput_ref), median_ratio(row, ceiling),
          joined(row.calls_per_s).c_str(), csv_field(row.how).c_str());
    }
  }
  if (!results.probe_ns.empty()) {
    Spread spread = spread_of(results.probe_ns);
    std::fprintf(
        out,
        "probe,,cache-line round trip,bound,,ns,%.1f,%.1f,%.1f,,,,,,%s,"
        "median spin ping-pong before each repetition\n",
        spread.median, spread.min, spread.max,
        joined(results.probe_ns).c_str());
  }
  const MemoryResults& memory = results.memory;
  if (memory.measured) {
    const struct {
      const char* name;
      const char* unit;
      double value;
    } figures[] = {
        {"reserved RSS per credit", "B", memory.reserved_rss_bytes_per_credit},
        {"reserved heap per credit", "B",
         memory.reserved_heap_bytes_per_credit},
        {"grown RSS per in-flight call", "B", memory.grown_rss_bytes_per_call},
        {"grown heap per in-flight call", "B",
         memory.grown_heap_bytes_per_call},
        {"RSS after warm-up", "B",
         static_cast<double>(memory.rss_after_warm_up)},
        {"RSS half way through soak", "B",
         static_cast<double>(memory.rss_at_half_soak)},
        {"RSS after soak", "B", static_cast<double>(memory.rss_after_soak)},
        {"heap after warm-up", "B",
         static_cast<double>(memory.heap_after_warm_up)},
        {"heap half way through soak", "B",
         static_cast<double>(memory.heap_at_half_soak)},
        {"heap after soak", "B", static_cast<double>(memory.heap_after_soak)},
        {"soak calls", "calls", static_cast<double>(memory.soak_calls_done)},
        {"soak seconds", "s", memory.soak_seconds},
    };
    for (const auto& figure : figures) {
      std::fprintf(out, "memory,,%s,,,%s,%.2f,,,,,,,,,\n", figure.name,
                   figure.unit, figure.value);
    }
  }
  for (const Goal& goal : goals.goals) {
    std::fprintf(out, "goal,noop,%s,,%s,%s,%.4g,,,,,,,,,%s\n",
                 csv_field(goal.text).c_str(), verdict_name(goal.verdict),
                 goal.unit, goal.measured, csv_field(goal.detail).c_str());
  }
  bool ok = std::fclose(out) == 0;
  if (!ok) std::fprintf(stderr, "cannot write %s\n", path.c_str());
  return ok;
}

}  // namespace tether_bench
