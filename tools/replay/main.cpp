// tether-replay: sends the calls of a boundary recording to a library
// again and reports where the outcomes differ (docs/recorder.md).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "options.h"
#include "recording.h"
#include "replay_plan.h"
#include "runner.h"
#include "tether/tether.h"

namespace {

constexpr int kNoDifference = 0;
constexpr int kDifferences = 1;
constexpr int kFailure = 2;

int fail(const std::string& message) {
  std::fprintf(stderr, "tether-replay: %s\n", message.c_str());
  return kFailure;
}

// The largest payload the plan sends: the runtime must accept it.
uint64_t largest_payload(const tether::replay::ReplayPlan& plan) {
  uint64_t largest = 0;
  for (const auto* record : plan.calls) {
    if (record->len > largest) largest = record->len;
  }
  return largest;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tether::replay;
  if (tether_version_number() != TETHER_VERSION_NUMBER) {
    return fail(std::string("built against tether ") + TETHER_VERSION_STRING +
                " but loaded " + tether_version_string());
  }
  Options options;
  std::string error;
  if (!parse_options(std::vector<std::string>(argv + 1, argv + argc), &options,
                     &error)) {
    std::fprintf(stderr, "tether-replay: %s\n%s", error.c_str(), usage());
    return kFailure;
  }
  if (options.help) {
    std::fputs(usage(), stdout);
    return kNoDifference;
  }

  std::ifstream file(options.recording, std::ios::binary);
  if (!file) {
    return fail("cannot open " + options.recording + ": " +
                std::strerror(errno));
  }
  Recording recording;
  if (!read_recording(file, &recording, &error)) {
    return fail(options.recording + ": " + error);
  }
  const ReplayPlan plan = make_plan(recording);

  // Before the library runs anything: a crash in it prints tether's report
  // and then kills this process with the library's signal.
  if (tether_crash_handler_install() != TETHER_OK) {
    return fail("cannot install tether's crash handler");
  }
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.lanes = options.lanes != 0 ? options.lanes : recording.header.lanes;
  // The replay's own recorder: a crash report then lists the calls the
  // replay sent before it, as the recorded process's did.
  config.recorder_entries = 256;
  const uint64_t largest = largest_payload(plan);
  if (largest > config.max_payload_bytes) config.max_payload_bytes = largest;
  if (largest > config.max_bytes_in_flight) {
    config.max_bytes_in_flight = largest;
  }
  tether_runtime* runtime = nullptr;
  char* open_error = nullptr;
  const tether_status opened =
      tether_runtime_open_path(options.library.c_str(), options.symbol.c_str(),
                               &config, &runtime, &open_error);
  if (opened != TETHER_OK) {
    std::string message =
        std::string("cannot open the library: ") + tether_status_str(opened);
    if (open_error != nullptr) message += std::string(": ") + open_error;
    tether_buf_free(open_error);
    return fail(message);
  }

  RunSettings settings;
  settings.timeout = std::chrono::milliseconds(options.timeout_ms);
  settings.pace = options.pace;
  settings.quiet = options.quiet;
  const RunSummary summary = run_plan(runtime, plan, settings, stdout);
  tether_runtime_destroy(runtime);
  std::printf("%s\n", summary_line(summary).c_str());
  return summary.differences == 0 ? kNoDifference : kDifferences;
}
