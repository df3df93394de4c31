// The library the behaviour suites serve through tether. Each method is one
// behaviour a test can ask a lane for; what the library saw is recorded in
// Probe. Payloads are built with the Encode* helpers below.
#ifndef TETHER_TESTS_SUPPORT_TEST_LIBRARY_H
#define TETHER_TESTS_SUPPORT_TEST_LIBRARY_H

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "tether/library.h"

namespace tether_test {

enum Method : uint32_t {
  // Replies with no result.
  kNoop = 1,
  // Replies with a copy of the payload.
  kEcho,
  // Replies with a LaneInfo.
  kLaneInfo,
  // Payload EncodeU64(ms): replies "fired" from a lane timer after ms.
  kAsyncTimer,
  // Never replies.
  kNeverReply,
  // Replies "first", then again; the second reply's status is recorded.
  kReplyTwice,
  // Throws std::runtime_error(payload) out of handle().
  kThrow,
  // Payload EncodeU64(ms): sleeps in the handler, then replies.
  kSleepMs,
  // Polls is_cancelled until it flips, records whether it did, replies
  // "late" and records that reply's status.
  kWaitCancelled,
  // Payload EncodeU64Pair(log_key, seq): appends seq to the log, replies.
  kRecordOrder,
  // Returns without replying; a lane timer replies (with a 64-byte result)
  // once the request is cancelled and records that reply's status.
  kLateReply,
  // Waits for Probe's gate, then replies "unblocked".
  kBlock,
  // Payload EncodeU64Pair(runtime pointer, mode): calls
  // tether_runtime_shutdown on it from the lane, records the status, replies.
  kShutdownRuntime,
  // Payload EncodeU64(runtime pointer): calls tether_runtime_destroy on it
  // from the lane, records the status, replies.
  kDestroyRuntime,
  // Payload EncodeU64(code) followed by a message: reply_error(code, msg).
  kReplyError,
  // Replies from a thread the library starts (not the lane) and records that
  // status, then replies on the lane.
  kReplyFromOtherThread,
  // Replies with a malloc'd pointer and records that status.
  kReplyForeignBuffer,
  // Payload EncodeU64(request id): replies "other" to that id (another
  // call's, perhaps another runtime's), records that status under its own
  // id, then replies "own" to its own request.
  kReplyToRequestIn,
  // Posts work to its own lane (which cannot run while the handler does),
  // then waits for Probe's gate and replies. The work appends the status it
  // ran with to Probe's order log under the request id.
  kPostThenBlock,
};

// kLaneInfo's result.
struct LaneInfo {
  uint32_t lane_index;          // from the lane's state
  uint32_t request_lane_index;  // from the request
  uint32_t states_on_thread;    // lane states created on this thread
  uint32_t reserved;
  uint64_t thread_id;  // gettid() of the lane
};

// Serves every Method above.
const tether_library* TestLibrary();
// A library whose lane_start fails with TETHER_E_LIBRARY.
const tether_library* FailingLaneStartLibrary();
// A library.hpp library whose lane state constructor throws.
const tether_library* ThrowingStateLibrary();

// The name of the symbol a test module exports (see test_module.cpp).
inline constexpr char kModuleEntry[] = "tether_test_module_entry";
inline constexpr char kModuleNullEntry[] = "tether_test_module_null_entry";

uint64_t CurrentThreadId();

inline std::string EncodeU64(uint64_t value) {
  std::string out(sizeof value, '\0');
  std::memcpy(out.data(), &value, sizeof value);
  return out;
}

inline std::string EncodeU64Pair(uint64_t first, uint64_t second) {
  return EncodeU64(first) + EncodeU64(second);
}

// Reads the index-th uint64 of `bytes`; 0 when too short.
inline uint64_t DecodeU64(std::string_view bytes, size_t index = 0) {
  uint64_t value = 0;
  if (bytes.size() >= (index + 1) * sizeof value) {
    std::memcpy(&value, bytes.data() + index * sizeof value, sizeof value);
  }
  return value;
}

inline LaneInfo DecodeLaneInfo(std::string_view bytes) {
  LaneInfo info{};
  if (bytes.size() == sizeof info)
    std::memcpy(&info, bytes.data(), sizeof info);
  return info;
}

}  // namespace tether_test

#endif  // TETHER_TESTS_SUPPORT_TEST_LIBRARY_H
