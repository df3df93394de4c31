#include "runner.h"

#include <thread>

#include "one_call.h"

namespace tether::replay {
namespace {

void write_line(std::FILE* out, const std::string& line) {
  std::fputs(line.c_str(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

std::string call_name(const Record& record) {
  return "lane " + std::to_string(record.lane) + " seq " +
         std::to_string(record.seq) + " method " +
         std::to_string(record.method) + " key " + std::to_string(record.key);
}

tether_call call_of(const Record& record) {
  tether_call call;
  tether_call_init(&call);
  call.method = record.method;
  call.key = record.key;
  call.payload = record.payload.empty() ? nullptr : record.payload.data();
  call.payload_len = record.payload.size();
  return call;
}

// With --pace: waits until `record` is as far from `first` as it was when
// recorded, measured from `replay_start`.
void pace_to(const Record& first, const Record& record,
             std::chrono::steady_clock::time_point replay_start) {
  const unsigned __int128 offset = start_ns(record) - start_ns(first);
  // Offsets past a few centuries are no pace anyone waits for.
  constexpr unsigned __int128 kMaxOffset = uint64_t{1} << 62;
  const auto offset_ns =
      static_cast<int64_t>(offset < kMaxOffset ? offset : kMaxOffset);
  std::this_thread::sleep_until(replay_start +
                                std::chrono::nanoseconds(offset_ns));
}

}  // namespace

std::string difference_line(const Record& record, int32_t replayed_status,
                            int32_t replayed_code) {
  return "difference: " + call_name(record) + ": recorded " +
         tether_status_str(record.status) + " code " +
         std::to_string(record.code) + ", replayed " +
         tether_status_str(replayed_status) + " code " +
         std::to_string(replayed_code);
}

std::string summary_line(const RunSummary& summary) {
  return "replayed " + std::to_string(summary.replayed) + " calls (" +
         std::to_string(summary.not_captured) + " not captured, " +
         std::to_string(summary.skipped) + " skipped, " +
         std::to_string(summary.without_outcome) +
         " without a recorded outcome): " +
         std::to_string(summary.differences) + " differences";
}

RunSummary run_plan(tether_runtime* runtime, const ReplayPlan& plan,
                    const RunSettings& settings, std::FILE* out) {
  RunSummary summary;
  summary.not_captured = plan.not_captured;
  summary.skipped = plan.skipped;
  OneCall one_call;
  const auto replay_start = std::chrono::steady_clock::now();
  for (const Record* record : plan.calls) {
    if (settings.pace) pace_to(*plan.calls.front(), *record, replay_start);
    const CallOutcome outcome =
        one_call.run(runtime, call_of(*record), settings.timeout);
    ++summary.replayed;
    if (outcome.timed_out && !settings.quiet) {
      write_line(out, "timeout: " + call_name(*record) + ": no completion in " +
                          std::to_string(settings.timeout.count()) +
                          " ms, cancelled");
    }
    if (record->outcome != Outcome::kDone) {
      ++summary.without_outcome;
      continue;
    }
    if (outcome.status != record->status || outcome.code != record->code) {
      ++summary.differences;
      if (!settings.quiet) {
        write_line(out, difference_line(*record, outcome.status, outcome.code));
      }
    }
  }
  return summary;
}

}  // namespace tether::replay
