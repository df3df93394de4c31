// The library the API fuzzer serves: one method per way a library can
// answer (or fail to), so a fuzz input chooses the library's behaviour
// call by call.
#ifndef TETHER_TESTS_FUZZ_FUZZ_LIBRARY_H
#define TETHER_TESTS_FUZZ_FUZZ_LIBRARY_H

#include <cstdint>

#include "tether/library.h"

namespace tether_fuzz {

enum Method : uint32_t {
  kNoop = 0,    // replies with no result
  kEcho,        // replies with a copy of the payload
  kFail,        // reply_error(7, "fuzz failure")
  kThrow,       // throws out of handle()
  kTimerReply,  // replies with the payload from a lane timer, a quarter
                // microsecond per payload byte later (at most 250 us)
  kNeverReply,  // never replies: only cancel, deadline or shutdown end it
  kReplyTwice,  // replies twice; the second reply is refused
  kSleep,       // sleeps a quarter microsecond per payload byte (at most
                // 100 us), replies
  kMakeHandle,  // replies with 8 bytes: a new handle holding one reference
  kPostReply,   // posts work to its lane that replies
  kMethodCount,
  // Any other method id: reply_error(404, "unknown method").
};

// The result code and message of kFail.
inline constexpr int32_t kFailCode = 7;

const tether_library* FuzzLibrary();

// Work of the library not finished yet, process-wide: handlers running,
// and timers and posted functions that have neither run nor been dropped.
// While it is not 0 the library may still hold a tether buffer (a reply it
// is about to make).
uint64_t LibraryBusy();

// Handles kMakeHandle made whose destroy has not run yet, process-wide.
uint64_t HandleObjectsAlive();

}  // namespace tether_fuzz

#endif  // TETHER_TESTS_FUZZ_FUZZ_LIBRARY_H
