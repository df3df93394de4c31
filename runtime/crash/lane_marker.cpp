#include "crash/lane_marker.h"

#include <signal.h>

#include <cstdlib>

#include "log/log.h"

namespace tether::crash {
namespace {

__attribute__((tls_model("initial-exec"))) thread_local LaneMarker t_marker{};
__attribute__((tls_model("initial-exec"))) thread_local void* t_alt_stack =
    nullptr;

}  // namespace

LaneMarker& this_thread_marker() { return t_marker; }

void enter_lane(uint32_t index, const char* library_name,
                const recorder::Recorder* recorder) {
  t_marker.lane_index = index;
  t_marker.library_name = library_name;
  t_marker.recorder = recorder;
  t_marker.reported = 0;
  t_marker.ticket = 0;
  t_marker.is_lane = 1;
  void* stack = std::malloc(kAltStackSize);
  if (stack == nullptr) {
    TETHER_LOG_WARNING("lane %u: no memory for an alternate signal stack",
                       index);
    return;
  }
  stack_t alt{};
  alt.ss_sp = stack;
  alt.ss_size = kAltStackSize;
  if (sigaltstack(&alt, nullptr) != 0) {
    TETHER_LOG_WARNING("lane %u: sigaltstack failed", index);
    std::free(stack);
    return;
  }
  t_alt_stack = stack;
}

void leave_lane() {
  t_marker.is_lane = 0;
  if (t_alt_stack == nullptr) return;
  stack_t disable{};
  disable.ss_flags = SS_DISABLE;
  sigaltstack(&disable, nullptr);
  std::free(t_alt_stack);
  t_alt_stack = nullptr;
}

}  // namespace tether::crash
