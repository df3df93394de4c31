// The results as JSON, for tests/bench/chart.py and for comparing runs.
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string_view>

#include "report.h"
#include "report_rows.h"
#include "sample_stats.h"

namespace tether_bench {
namespace {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

template <class Number>
void write_array(std::FILE* out, const std::vector<Number>& values) {
  std::fprintf(out, "[");
  for (size_t i = 0; i < values.size(); ++i) {
    std::fprintf(out, "%s%.6g", i == 0 ? "" : ", ",
                 static_cast<double>(values[i]));
  }
  std::fprintf(out, "]");
}

void write_latency(std::FILE* out, const std::vector<LatencyResult>& rows) {
  const LatencyResult* reference = find_role(rows, Role::kReference);
  const LatencyResult* floor = find_role(rows, Role::kBound);
  for (size_t i = 0; i < rows.size(); ++i) {
    const LatencyResult& row = rows[i];
    Spread spread = spread_of(row.mean_ns);
    std::fprintf(
        out,
        "%s\n        {\"name\": %s, \"role\": \"%s\", \"how\": %s, "
        "\"round_trips_per_rep\": %llu, \"median_ns\": %.1f, \"min_ns\": "
        "%.1f, \"max_ns\": %.1f, \"p50_ns\": %llu, \"p99_ns\": %llu, "
        "\"p999_ns\": %llu, \"vs_tether\": %.4f, \"vs_floor\": %.4f, "
        "\"mean_ns_per_rep\": ",
        i == 0 ? "" : ",", json_string(row.name).c_str(), role_name(row.role),
        json_string(row.how).c_str(),
        static_cast<unsigned long long>(row.round_trips_per_rep), spread.median,
        spread.min, spread.max,
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.5)),
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.99)),
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.999)),
        median_ratio(row, reference), median_ratio(row, floor));
    write_array(out, row.mean_ns);
    std::fprintf(out, ", \"round_trips_done_per_rep\": ");
    write_array(out, row.round_trips_done);
    std::fprintf(out, "}");
  }
}

void write_throughput(std::FILE* out,
                      const std::vector<ThroughputResult>& rows) {
  const ThroughputResult* reference = find_role(rows, Role::kReference);
  const ThroughputResult* ceiling = find_role(rows, Role::kBound);
  for (size_t i = 0; i < rows.size(); ++i) {
    const ThroughputResult& row = rows[i];
    Spread spread = spread_of(row.calls_per_s);
    std::fprintf(out,
                 "%s\n        {\"name\": %s, \"role\": \"%s\", \"how\": %s, "
                 "\"calls_per_rep\": %llu, \"median_calls_per_s\": %.1f, "
                 "\"min_calls_per_s\": %.1f, \"max_calls_per_s\": %.1f, "
                 "\"vs_tether\": %.4f, \"vs_ceiling\": %.4f, "
                 "\"calls_per_s_per_rep\": ",
                 i == 0 ? "" : ",", json_string(row.name).c_str(),
                 role_name(row.role), json_string(row.how).c_str(),
                 static_cast<unsigned long long>(row.calls_per_rep),
                 spread.median, spread.min, spread.max,
                 median_ratio(row, reference), median_ratio(row, ceiling));
    write_array(out, row.calls_per_s);
    std::fprintf(out, "}");
  }
}

void write_memory(std::FILE* out, const MemoryResults& memory) {
  if (!memory.measured) {
    std::fprintf(out, "null");
    return;
  }
  std::fprintf(
      out,
      "{\"heap_known\": %s, \"credits_small\": %u, \"credits_large\": %u, "
      "\"reserved_rss_bytes_per_credit\": %.1f, "
      "\"reserved_heap_bytes_per_credit\": %.1f, \"in_flight_calls\": %llu, "
      "\"in_flight_reported\": %llu, \"grown_rss_bytes_per_call\": %.2f, "
      "\"grown_heap_bytes_per_call\": %.2f, \"soak_calls_asked\": %llu, "
      "\"soak_calls_done\": %llu, \"soak_seconds\": %.2f, "
      "\"rss_after_warm_up\": %lld, \"rss_at_half_soak\": %lld, "
      "\"rss_after_soak\": %lld, \"heap_after_warm_up\": %lld, "
      "\"heap_at_half_soak\": %lld, \"heap_after_soak\": %lld}",
      memory.heap_known ? "true" : "false", memory.credits_small,
      memory.credits_large, memory.reserved_rss_bytes_per_credit,
      memory.reserved_heap_bytes_per_credit,
      static_cast<unsigned long long>(memory.in_flight_calls),
      static_cast<unsigned long long>(memory.in_flight_reported),
      memory.grown_rss_bytes_per_call, memory.grown_heap_bytes_per_call,
      static_cast<unsigned long long>(memory.soak_calls_asked),
      static_cast<unsigned long long>(memory.soak_calls_done),
      memory.soak_seconds, static_cast<long long>(memory.rss_after_warm_up),
      static_cast<long long>(memory.rss_at_half_soak),
      static_cast<long long>(memory.rss_after_soak),
      static_cast<long long>(memory.heap_after_warm_up),
      static_cast<long long>(memory.heap_at_half_soak),
      static_cast<long long>(memory.heap_after_soak));
}

void write_goals(std::FILE* out, const GoalReport& report) {
  std::fprintf(out, "[");
  for (size_t i = 0; i < report.goals.size(); ++i) {
    const Goal& goal = report.goals[i];
    std::fprintf(out,
                 "%s\n    {\"goal\": %s, \"verdict\": \"%s\", \"measured\": "
                 "%.4g, \"unit\": \"%s\", \"detail\": %s}",
                 i == 0 ? "" : ",", json_string(goal.text).c_str(),
                 verdict_name(goal.verdict), goal.measured, goal.unit,
                 json_string(goal.detail).c_str());
  }
  std::fprintf(out, "\n  ],\n  \"notes\": [");
  bool first = true;
  for (const Note& note : report.notes) {
    if (!note.measured_ok) continue;
    std::fprintf(out,
                 "%s\n    {\"note\": %s, \"measured\": %.4g, \"detail\": %s}",
                 first ? "" : ",", json_string(note.text).c_str(),
                 note.measured, json_string(note.detail).c_str());
    first = false;
  }
  std::fprintf(out, "\n  ]");
}

}  // namespace

bool write_json(const std::string& path, const Results& results,
                const GoalReport& goals, const Options& options) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  char date[32] = "";
  const std::time_t now = std::time(nullptr);
  std::tm utc;
  if (gmtime_r(&now, &utc) != nullptr) {
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &utc);
  }
  std::fprintf(out, "{\n  \"date_utc\": \"%s\",\n", date);
  std::fprintf(out,
               "  \"reps\": %d,\n  \"smoke\": %s,\n  \"hardware_threads\": "
               "%u,\n  \"load_before\": %.2f,\n  \"load_after\": %.2f,\n  "
               "\"clock\": \"%s\",\n  \"clock_read_ns\": %.1f,\n  "
               "\"elapsed_s\": %.1f,\n  \"tether_warnings\": %llu,\n  "
               "\"tether_errors\": %llu,\n  \"rep_budget_ms\": %llu,\n  "
               "\"cache_line_probe_ns_per_rep\": ",
               options.reps, options.smoke ? "true" : "false",
               results.hardware_threads, results.load_before,
               results.load_after, results.clock_source, results.clock_read_ns,
               results.elapsed_s,
               static_cast<unsigned long long>(results.tether_warnings),
               static_cast<unsigned long long>(results.tether_errors),
               static_cast<unsigned long long>(options.rep_budget_ms));
  write_array(out, results.probe_ns);
  std::fprintf(out, ",\n  \"passes\": [");
  for (size_t i = 0; i < results.passes.size(); ++i) {
    const HandlerResults& pass = results.passes[i];
    std::fprintf(out,
                 "%s\n    {\"handler\": %s, \"handler_id\": \"%s\", "
                 "\"busy_ns\": %llu,\n      \"latency\": [",
                 i == 0 ? "" : ",", json_string(pass.handler.name).c_str(),
                 pass.handler.id,
                 static_cast<unsigned long long>(pass.handler.busy_ns));
    write_latency(out, pass.latency);
    std::fprintf(out, "\n      ],\n      \"throughput\": [");
    write_throughput(out, pass.throughput);
    std::fprintf(out, "\n      ]}");
  }
  std::fprintf(out, "\n  ],\n  \"memory\": ");
  write_memory(out, results.memory);
  std::fprintf(out, ",\n  \"goals\": ");
  write_goals(out, goals);
  std::fprintf(out, "\n}\n");
  bool ok = std::fclose(out) == 0;
  if (!ok) std::fprintf(stderr, "cannot write %s\n", path.c_str());
  return ok;
}

}  // namespace tether_bench
