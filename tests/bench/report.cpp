#include "report.h"

#include <cerrno>
#include <cstring>
#include <string_view>

#include "sample_stats.h"

namespace tether_bench {
namespace {

template <class Result>
const Result* find_role(const std::vector<Result>& results, Role role) {
  for (const Result& result : results) {
    if (result.role == role) return &result;
  }
  return nullptr;
}

double median_latency(const LatencyResult& result) {
  return spread_of(result.mean_ns).median;
}

double median_throughput(const ThroughputResult& result) {
  return spread_of(result.calls_per_s).median;
}

void print_latency(std::FILE* out, const Results& results) {
  const std::vector<LatencyResult>& rows = results.latency;
  if (rows.empty()) return;
  const LatencyResult* reference = find_role(rows, Role::kReference);
  const LatencyResult* floor = find_role(rows, Role::kBound);
  std::fprintf(out,
               "\n(a) Round-trip latency: submit one no-op call, wait for its "
               "completion, repeat.\n"
               "    The caller waits by spinning (pause per check) on an "
               "atomic flag set by the\n"
               "    completion callback; the completion-queue contender spins "
               "on tether_cq_poll(timeout 0).\n"
               "    median/min-max: mean round trip per repetition; "
               "p50/p99/p99.9: per round trip, all reps.\n"
               "    x tether: median / median of '%s' (above 1 = slower).\n\n",
               reference != nullptr ? reference->name.c_str() : "-");
  std::fprintf(out, "%-33s %9s %19s %8s %8s %9s %9s\n", "contender",
               "median ns", "min-max ns", "p50 ns", "p99 ns", "p99.9 ns",
               "x tether");
  for (const LatencyResult& row : rows) {
    Spread spread = spread_of(row.mean_ns);
    char range[48];
    std::snprintf(range, sizeof(range), "%.0f-%.0f", spread.min, spread.max);
    char ratio[24] = "-";
    if (reference != nullptr) {
      std::snprintf(ratio, sizeof(ratio), "%.3g",
                    spread.median / median_latency(*reference));
    }
    std::fprintf(
        out, "%-33s %9.0f %19s %8llu %8llu %9llu %9s\n", row.name.c_str(),
        spread.median, range,
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.5)),
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.99)),
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.999)),
        ratio);
  }
  if (reference != nullptr && floor != nullptr) {
    double ref = median_latency(*reference);
    double bound = median_latency(*floor);
    std::fprintf(out, "\n'%s' / '%s' = %.2f (%.0f ns above the floor)\n",
                 reference->name.c_str(), floor->name.c_str(), ref / bound,
                 ref - bound);
  }
  std::fprintf(out, "\n");
  for (const LatencyResult& row : rows) {
    std::fprintf(out, "  %-33s %s; %llu round trips/rep\n", row.name.c_str(),
                 row.how.c_str(),
                 static_cast<unsigned long long>(row.round_trips_per_rep));
  }
}

void print_throughput(std::FILE* out, const Results& results) {
  const std::vector<ThroughputResult>& rows = results.throughput;
  if (rows.empty()) return;
  const ThroughputResult* reference = find_role(rows, Role::kReference);
  const ThroughputResult* ceiling = find_role(rows, Role::kBound);
  std::fprintf(out,
               "\n(b) Pipelined throughput, one submitter: submit N no-op "
               "calls as fast as possible\n"
               "    (retrying TETHER_E_BUSY), completions counted; calls/s "
               "until all N completed.\n"
               "    median/min-max over repetitions, in millions of calls "
               "per second.\n"
               "    x tether: median / median of '%s' (above 1 = faster).\n\n",
               reference != nullptr ? reference->name.c_str() : "-");
  std::fprintf(out, "%-33s %11s %19s %9s\n", "contender", "median M/s",
               "min-max M/s", "x tether");
  for (const ThroughputResult& row : rows) {
    Spread spread = spread_of(row.calls_per_s);
    char range[48];
    std::snprintf(range, sizeof(range), "%.3f-%.3f", spread.min / 1e6,
                  spread.max / 1e6);
    char ratio[24] = "-";
    if (reference != nullptr) {
      std::snprintf(ratio, sizeof(ratio), "%.3g",
                    spread.median / median_throughput(*reference));
    }
    std::fprintf(out, "%-33s %11.3f %19s %9s\n", row.name.c_str(),
                 spread.median / 1e6, range, ratio);
  }
  if (reference != nullptr && ceiling != nullptr) {
    std::fprintf(out, "\n'%s' / '%s' = %.2f\n", reference->name.c_str(),
                 ceiling->name.c_str(),
                 median_throughput(*reference) / median_throughput(*ceiling));
  }
  std::fprintf(out, "\n");
  for (const ThroughputResult& row : rows) {
    std::fprintf(out, "  %-33s %s; %llu calls/rep\n", row.name.c_str(),
                 row.how.c_str(),
                 static_cast<unsigned long long>(row.calls_per_rep));
  }
}

const char* role_name(Role role) {
  switch (role) {
    case Role::kBound:
      return "bound";
    case Role::kReference:
      return "reference";
    case Role::kTether:
      return "tether";
    case Role::kPeer:
      return "peer";
  }
  return "peer";
}

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

void write_number_array(std::FILE* out, const std::vector<double>& values) {
  std::fprintf(out, "[");
  for (size_t i = 0; i < values.size(); ++i) {
    std::fprintf(out, "%s%.6g", i == 0 ? "" : ", ", values[i]);
  }
  std::fprintf(out, "]");
}

}  // namespace

void print_report(std::FILE* out, const Results& results,
                  const Options& options) {
  std::fprintf(out,
               "tether_bench: no-op handler, tether runtime with 1 lane; "
               "%d repetition(s)%s, contenders interleaved.\n"
               "machine: %u hardware threads, load average %.2f before and "
               "%.2f after (shared: figures are noisy, compare within one "
               "run);\n"
               "clock: %s, ~%.0f ns per read, one read per round trip.\n",
               options.reps, options.smoke ? " (smoke)" : "",
               results.hardware_threads, results.load_before,
               results.load_after, results.clock_source, results.clock_read_ns);
  print_latency(out, results);
  print_throughput(out, results);
}

bool write_json(const std::string& path, const Results& results,
                const Options& options) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  std::fprintf(out,
               "{\n  \"reps\": %d,\n  \"smoke\": %s,\n  \"hardware_threads\": "
               "%u,\n  \"load_before\": %.2f,\n  \"load_after\": %.2f,\n  "
               "\"clock\": \"%s\",\n  \"clock_read_ns\": %.1f,\n  "
               "\"latency\": [",
               options.reps, options.smoke ? "true" : "false",
               results.hardware_threads, results.load_before,
               results.load_after, results.clock_source, results.clock_read_ns);
  const LatencyResult* latency_ref =
      find_role(results.latency, Role::kReference);
  for (size_t i = 0; i < results.latency.size(); ++i) {
    const LatencyResult& row = results.latency[i];
    Spread spread = spread_of(row.mean_ns);
    std::fprintf(
        out,
        "%s\n    {\"name\": %s, \"role\": \"%s\", \"how\": %s, "
        "\"round_trips_per_rep\": %llu, \"median_ns\": %.1f, \"min_ns\": "
        "%.1f, \"max_ns\": %.1f, \"p50_ns\": %llu, \"p99_ns\": %llu, "
        "\"p999_ns\": %llu, \"vs_tether\": %.4f, \"mean_ns_per_rep\": ",
        i == 0 ? "" : ",", json_string(row.name).c_str(), role_name(row.role),
        json_string(row.how).c_str(),
        static_cast<unsigned long long>(row.round_trips_per_rep), spread.median,
        spread.min, spread.max,
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.5)),
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.99)),
        static_cast<unsigned long long>(percentile(row.round_trip_ns, 0.999)),
        latency_ref != nullptr ? spread.median / median_latency(*latency_ref)
                               : 0.0);
    write_number_array(out, row.mean_ns);
    std::fprintf(out, "}");
  }
  std::fprintf(out, "\n  ],\n  \"throughput\": [");
  const ThroughputResult* throughput_ref =
      find_role(results.throughput, Role::kReference);
  for (size_t i = 0; i < results.throughput.size(); ++i) {
    const ThroughputResult& row = results.throughput[i];
    Spread spread = spread_of(row.calls_per_s);
    std::fprintf(out,
                 "%s\n    {\"name\": %s, \"role\": \"%s\", \"how\": %s, "
                 "\"calls_per_rep\": %llu, \"median_calls_per_s\": %.1f, "
                 "\"min_calls_per_s\": %.1f, \"max_calls_per_s\": %.1f, "
                 "\"vs_tether\": %.4f, \"calls_per_s_per_rep\": ",
                 i == 0 ? "" : ",", json_string(row.name).c_str(),
                 role_name(row.role), json_string(row.how).c_str(),
                 static_cast<unsigned long long>(row.calls_per_rep),
                 spread.median, spread.min, spread.max,
                 throughput_ref != nullptr
                     ? spread.median / median_throughput(*throughput_ref)
                     : 0.0);
    write_number_array(out, row.calls_per_s);
    std::fprintf(out, "}");
  }
  std::fprintf(out, "\n  ]\n}\n");
  bool ok = std::fclose(out) == 0;
  if (!ok) std::fprintf(stderr, "cannot write %s\n", path.c_str());
  return ok;
}

}  // namespace tether_bench
