#include "buffers/buffer_mode.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "log/log.h"

namespace tether::buffers {
namespace {

Mode mode_from_environment() {
  const char* value = std::getenv(kModeEnvironmentVariable);
  if (value == nullptr || *value == '\0' || std::strcmp(value, "release") == 0)
    return Mode::kRelease;
  if (std::strcmp(value, "debug") == 0) return Mode::kDebug;
  TETHER_LOG_WARNING(
      "%s=%s is not \"debug\" or \"release\"; buffers stay in release mode",
      kModeEnvironmentVariable, value);
  return Mode::kRelease;
}

std::atomic<uint8_t>& mode_word() {
  // Initialised once, thread-safely, at first use; never destroyed.
  static std::atomic<uint8_t> word{
      static_cast<uint8_t>(mode_from_environment())};
  return word;
}

}  // namespace

Mode current_mode() {
  return static_cast<Mode>(mode_word().load(std::memory_order_relaxed));
}

Status set_mode(int32_t mode) {
  if (mode != TETHER_BUF_MODE_RELEASE && mode != TETHER_BUF_MODE_DEBUG) {
    return Status::kInvalidArg;
  }
  mode_word().store(static_cast<uint8_t>(mode), std::memory_order_relaxed);
  return Status::kOk;
}

void request_debug_mode(const char* who) {
  const char* value = std::getenv(kModeEnvironmentVariable);
  if (value != nullptr && *value != '\0') {
    TETHER_LOG_NOTE("%s asks for debug buffers; %s=%s wins", who,
                    kModeEnvironmentVariable, value);
    return;
  }
  mode_word().store(static_cast<uint8_t>(Mode::kDebug),
                    std::memory_order_relaxed);
  TETHER_LOG_NOTE("tether buffers are in debug mode from now on (asked by %s)",
                  who);
}

const char* mode_name(Mode mode) {
  return mode == Mode::kDebug ? "debug" : "release";
}

}  // namespace tether::buffers
