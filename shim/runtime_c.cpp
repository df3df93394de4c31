#include <cstddef>
#include <cstring>
#include <string>

#include "boundary.h"
#include "buffers/buffer_allocator.h"
#include "core/handles.h"
#include "core/leak_report.h"
#include "core/library_loader.h"
#include "tether/buffer.h"
#include "tether/runtime.h"

namespace {

using tether::Status;

constexpr uint32_t kMaxCalls = tether::kMaxCallsInFlight;

// Version 1 of tether_runtime_config ended after buffer_debug; a host built
// against it passes this size.
constexpr std::size_t kConfigVersion1Size =
    offsetof(tether_runtime_config, recorder_entries);
static_assert(kConfigVersion1Size == 72, "version 1 is frozen");

// Reads the version 2 fields (the recorder) from a config that has them.
Status read_recorder_config(const tether_runtime_config& config,
                            tether::recorder::Settings* settings,
                            std::string* why) {
  using tether::recorder::LaneRing;
  if (config.recorder_entries > LaneRing::kMaxEntries) {
    *why =
        "recorder_entries must be 0.." + std::to_string(LaneRing::kMaxEntries);
    return Status::kInvalidArg;
  }
  if (config.capture_bytes > LaneRing::kMaxCaptureBytes) {
    *why = "capture_bytes must be at most 1 GiB";
    return Status::kInvalidArg;
  }
  if (config.capture_bytes != 0 &&
      config.capture_max_payload > config.capture_bytes) {
    *why = "capture_max_payload (" +
           std::to_string(config.capture_max_payload) +
           ") is above capture_bytes (" + std::to_string(config.capture_bytes) +
           "): no payload that large could be kept";
    return Status::kInvalidArg;
  }
  settings->entries = config.recorder_entries;
  settings->capture_max_payload = config.capture_max_payload;
  settings->capture_bytes = config.capture_bytes;
  settings->capture_dir =
      config.capture_dir != nullptr ? config.capture_dir : "";
  return Status::kOk;
}

void set_error(char** error_out, const std::string& message) {
  if (error_out != nullptr) {
    *error_out =
        tether::buffers::allocate_string(message.data(), message.size());
  }
}

// Checks a host's config and turns it into options; *why says what is wrong.
Status read_config(const tether_runtime_config* config,
                   tether::RuntimeOptions* options, std::string* why) {
  tether_runtime_config defaults;
  tether_runtime_config_init(&defaults);
  if (config == nullptr) config = &defaults;
  if (config->struct_size > sizeof(tether_runtime_config)) {
    *why = "config struct_size " + std::to_string(config->struct_size) +
           " is newer than this tether (" +
           std::to_string(sizeof(tether_runtime_config)) + ")";
    return Status::kVersion;
  }
  if (config->struct_size < kConfigVersion1Size) {
    *why = "config struct_size " + std::to_string(config->struct_size) +
           " is too small: call tether_runtime_config_init()";
    return Status::kInvalidArg;
  }
  // The fields the host's struct has, over the defaults for the rest (a
  // host built against an older header: tether/types.h).
  tether_runtime_config known = defaults;
  std::memcpy(&known, config, config->struct_size);
  known.struct_size = sizeof known;
  config = &known;
  if (config->lanes == 0 || config->lanes > tether::kMaxLanes) {
    *why = "lanes must be 1.." + std::to_string(tether::kMaxLanes);
    return Status::kInvalidArg;
  }
  if (config->max_calls_in_flight == 0 ||
      config->max_calls_in_flight > kMaxCalls) {
    *why = "max_calls_in_flight must be 1.." + std::to_string(kMaxCalls);
    return Status::kInvalidArg;
  }
  if (config->deliver != TETHER_DELIVER_ON_LANE &&
      config->deliver != TETHER_DELIVER_ON_THREAD) {
    *why = "deliver must be TETHER_DELIVER_ON_LANE or TETHER_DELIVER_ON_THREAD";
    return Status::kInvalidArg;
  }
  if (config->max_payload_bytes > TETHER_BUF_MAX_SIZE) {
    *why = "max_payload_bytes is over TETHER_BUF_MAX_SIZE";
    return Status::kInvalidArg;
  }
  if (config->max_bytes_in_flight < config->max_payload_bytes) {
    // Such a payload would be refused as busy for ever: the byte credit
    // could never hold it, however idle the runtime.
    *why = "max_bytes_in_flight (" +
           std::to_string(config->max_bytes_in_flight) +
           ") is below max_payload_bytes (" +
           std::to_string(config->max_payload_bytes) +
           "): a payload of the largest allowed size could never be accepted";
    return Status::kInvalidArg;
  }
  options->lanes = config->lanes;
  options->pin_lanes = config->pin_lanes != 0;
  options->deliver_on_lane = config->deliver == TETHER_DELIVER_ON_LANE;
  options->max_calls_in_flight = config->max_calls_in_flight;
  options->max_bytes_in_flight = config->max_bytes_in_flight;
  options->max_payload_bytes = config->max_payload_bytes;
  options->spin_ns = config->spin_ns;
  options->library_data = config->library_data;
  options->growth_threshold = config->growth_threshold;
  if (config->leak_check < TETHER_LEAK_CHECK_OFF ||
      config->leak_check > TETHER_LEAK_CHECK_FAIL) {
    *why = "leak_check must be a TETHER_LEAK_CHECK_* value";
    return Status::kInvalidArg;
  }
  options->leak_check = config->leak_check;
  if (config->buffer_debug != 0 && config->buffer_debug != 1) {
    *why = "buffer_debug must be 0 or 1";
    return Status::kInvalidArg;
  }
  options->buffer_debug = config->buffer_debug == 1;
  return read_recorder_config(*config, &options->recorder, why);
}

template <class Load>
tether_status open_with(const char* function, Load&& load,
                        const tether_runtime_config* config,
                        tether_runtime** runtime_out, char** error_out) {
  if (error_out != nullptr) *error_out = nullptr;
  if (runtime_out == nullptr) {
    set_error(error_out, "runtime_out is NULL");
    return tether::shim::reject(function, TETHER_E_INVALID_ARG,
                                "runtime_out is NULL");
  }
  *runtime_out = nullptr;
  std::string why;
  tether_status status = tether::shim::guarded(function, [&] {
    tether::RuntimeOptions options;
    Status result = read_config(config, &options, &why);
    if (result != Status::kOk) return result;
    tether::LoadedLibrary library;
    result = load(&library, &why);
    if (result != Status::kOk) return result;
    std::shared_ptr<tether::Runtime> runtime;
    result = tether::Runtime::open(std::move(library), options, &runtime, &why);
    if (result != Status::kOk) return result;
    *runtime_out = new tether_runtime{std::move(runtime)};
    return Status::kOk;
  });
  if (status != TETHER_OK) {
    if (why.empty()) why = tether_status_str(status);
    tether::shim::reject(function, status, why.c_str());
    set_error(error_out, why);
  }
  return status;
}

}  // namespace

extern "C" {

TETHER_API void tether_runtime_config_init(tether_runtime_config* config) {
  if (config == nullptr) return;
  std::memset(config, 0, sizeof *config);
  tether::RuntimeOptions defaults;
  config->struct_size = sizeof *config;
  config->lanes = defaults.lanes;
  config->pin_lanes = defaults.pin_lanes ? 1 : 0;
  config->deliver = TETHER_DELIVER_ON_LANE;
  config->max_calls_in_flight = defaults.max_calls_in_flight;
  config->max_bytes_in_flight = defaults.max_bytes_in_flight;
  config->max_payload_bytes = defaults.max_payload_bytes;
  config->spin_ns = defaults.spin_ns;
  config->library_data = nullptr;
  config->growth_threshold = defaults.growth_threshold;
  config->leak_check = defaults.leak_check;
  config->recorder_entries = defaults.recorder.entries;
  config->capture_max_payload = defaults.recorder.capture_max_payload;
  config->capture_bytes = defaults.recorder.capture_bytes;
  config->capture_dir = nullptr;
}

TETHER_API tether_status tether_runtime_open(
    const tether_library* library, const tether_runtime_config* config,
    tether_runtime** runtime_out, char** error_out) {
  return open_with(
      "tether_runtime_open",
      [library](tether::LoadedLibrary* out, std::string* why) {
        return tether::load_linked_library(library, out, why);
      },
      config, runtime_out, error_out);
}

TETHER_API tether_status tether_runtime_open_path(
    const char* path, const char* symbol, const tether_runtime_config* config,
    tether_runtime** runtime_out, char** error_out) {
  return open_with(
      "tether_runtime_open_path",
      [path, symbol](tether::LoadedLibrary* out, std::string* why) {
        return tether::load_library_from_path(path, symbol, out, why);
      },
      config, runtime_out, error_out);
}

TETHER_API tether_status tether_runtime_shutdown(tether_runtime* runtime,
                                                 int32_t mode,
                                                 uint64_t timeout_ns) {
  if (runtime == nullptr) {
    return tether::shim::reject("tether_runtime_shutdown", TETHER_E_INVALID_ARG,
                                "runtime is NULL");
  }
  return tether::shim::guarded("tether_runtime_shutdown", [&] {
    return runtime->runtime->shutdown(mode, timeout_ns);
  });
}

TETHER_API tether_status tether_runtime_destroy(tether_runtime* runtime) {
  if (runtime == nullptr) return TETHER_OK;
  return tether::shim::guarded("tether_runtime_destroy", [&] {
    if (runtime->runtime->forked()) {
      // The threads and locks belong to the parent: running the runtime's
      // destructor would join threads that do not exist here. Leak it.
      TETHER_LOG_WARNING(
          "tether_runtime_destroy: runtime created before fork(); "
          "abandoned in this child");
      new std::shared_ptr<tether::Runtime>(std::move(runtime->runtime));
      delete runtime;
      return Status::kForked;
    }
    Status status = runtime->runtime->shutdown(TETHER_SHUTDOWN_CANCEL, 0);
    if (status != Status::kOk) return status;
    tether::check_leaks_at_destroy(*runtime->runtime);
    delete runtime;
    return Status::kOk;
  });
}

TETHER_API tether_status tether_runtime_leak_report(
    const tether_runtime* runtime, char** report_out, uint64_t* findings_out) {
  if (runtime == nullptr || report_out == nullptr || findings_out == nullptr) {
    return tether::shim::reject(
        "tether_runtime_leak_report", TETHER_E_INVALID_ARG,
        runtime == nullptr ? "runtime is NULL" : "an out-parameter is NULL");
  }
  *report_out = nullptr;
  *findings_out = 0;
  return tether::shim::guarded("tether_runtime_leak_report", [&] {
    tether::LeakReport report = tether::make_leak_report(*runtime->runtime);
    *report_out = tether::buffers::allocate_string(report.text.data(),
                                                   report.text.size());
    if (*report_out == nullptr) return Status::kNoMemory;
    *findings_out = report.findings;
    return Status::kOk;
  });
}

TETHER_API uint32_t tether_runtime_lanes(const tether_runtime* runtime) {
  return runtime == nullptr ? 0 : runtime->runtime->lane_count();
}

}  // extern "C"
