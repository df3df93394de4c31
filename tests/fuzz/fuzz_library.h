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
  kTimerReply,  // replies with the payload from a lane timer, payload
                // length microseconds later (at most 1 ms)
  kNeverReply,  // never replies: only cancel, deadline or shutdown end it
  kReplyTwice,  // replies twice; the second reply is refused
  kSleep,       // sleeps payload length microseconds (at most 300 us), replies
  kMakeHandle,  // replies with 8 bytes: a new handle holding one reference
  kPostReply,   // posts work to its lane that replies
  kMethodCount,
  // Any other method id: reply_error(404, "unknown method").
};

// The result code and message of kFail.
inline constexpr int32_t kFailCode = 7;

const tether_library* FuzzLibrary();

// Handles kMakeHandle made whose destroy has not run yet, process-wide.
uint64_t HandleObjectsAlive();

}  // namespace tether_fuzz

#endif  // TETHER_TESTS_FUZZ_FUZZ_LIBRARY_H
