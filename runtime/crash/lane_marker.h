// What a signal handler may learn about the thread it interrupted: whether
// it is a lane, which, and the call in flight. Written by the lane thread,
// read by a signal handler on that same thread, so plain volatile fields in
// initial-exec thread-local storage suffice (no allocation on first touch).
//
// The lane also gives itself an alternate signal stack here: a handler
// installed with SA_ONSTACK (tether's, Go's) then has room to run even when
// the fault was a stack overflow.
#ifndef TETHER_RUNTIME_CRASH_LANE_MARKER_H_
#define TETHER_RUNTIME_CRASH_LANE_MARKER_H_

#include <cstddef>
#include <cstdint>

namespace tether::recorder {
class Recorder;
}

namespace tether::crash {

struct LaneMarker {
  volatile int is_lane;
  volatile uint32_t lane_index;
  volatile uint64_t ticket;  // 0 when no call is in the handler
  volatile uint32_t method;
  const char* volatile library_name;
  // The lane's runtime's recorder: outlives the lane thread.
  const recorder::Recorder* volatile recorder;
  // Set once this thread has written its report: a second fatal signal on
  // it (a sanitizer's abort after its own report) only chains.
  volatile int reported;
};

inline constexpr std::size_t kAltStackSize = 64 * 1024;

// This thread's marker.
LaneMarker& this_thread_marker();

// Lane thread: marks it as lane `index` and gives it an alternate stack.
void enter_lane(uint32_t index, const char* library_name,
                const recorder::Recorder* recorder);
// Lane thread: unmarks it and frees the alternate stack.
void leave_lane();

inline void begin_call(uint64_t ticket, uint32_t method) {
  LaneMarker& marker = this_thread_marker();
  marker.method = method;
  marker.ticket = ticket;
}
inline void end_call() { this_thread_marker().ticket = 0; }

}  // namespace tether::crash

#endif  // TETHER_RUNTIME_CRASH_LANE_MARKER_H_
