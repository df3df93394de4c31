#include "tether_objects.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "bench_library.h"

namespace tether_bench {

void check_status(tether_status status, const char* what) {
  if (status != TETHER_OK) {
    throw std::runtime_error(std::string(what) +
                             " failed: " + tether_status_str(status));
  }
}

BenchRuntime::BenchRuntime(const RuntimeChoice& choice) {
  tether_runtime_config config;
  tether_runtime_config_init(&config);
  config.lanes = choice.lanes;
  config.deliver = choice.deliver;
  if (choice.spin_ns) config.spin_ns = *choice.spin_ns;
  if (choice.max_calls_in_flight) {
    config.max_calls_in_flight = *choice.max_calls_in_flight;
  }
  if (choice.recorder_entries) {
    config.recorder_entries = *choice.recorder_entries;
  }
  config.capture_bytes = choice.capture_bytes;
  char* error = nullptr;
  tether_status status =
      tether_runtime_open(bench_library(), &config, &runtime_, &error);
  if (status != TETHER_OK) {
    std::string message =
        std::string("tether_runtime_open failed: ") + tether_status_str(status);
    if (error != nullptr) {
      message += std::string(": ") + error;
      tether_buf_free(error);
    }
    throw std::runtime_error(message);
  }
}

BenchRuntime::~BenchRuntime() {
  constexpr uint64_t kDrainTimeoutNs = 5'000'000'000;
  tether_runtime_shutdown(runtime_, TETHER_SHUTDOWN_DRAIN, kDrainTimeoutNs);
  tether_runtime_destroy(runtime_);
}

CompletionQueue::CompletionQueue(const BenchRuntime& runtime) {
  check_status(tether_cq_open(runtime.get(), &cq_), "tether_cq_open");
}

CompletionQueue::~CompletionQueue() {
  tether_cq_shutdown(cq_);
  tether_cq_destroy(cq_);
}

tether_call handler_call(const Handler& handler) {
  tether_call call;
  tether_call_init(&call);
  call.method = handler.method;
  return call;
}

tether_call handler_call(const Handler& handler, const RuntimeChoice& choice) {
  static const unsigned char kPayload[64] = {1, 2, 3, 4, 5, 6, 7, 8};
  tether_call call = handler_call(handler);
  if (choice.payload_bytes != 0) {
    call.payload = kPayload;
    call.payload_len = std::min<size_t>(choice.payload_bytes, sizeof kPayload);
  }
  return call;
}

}  // namespace tether_bench
