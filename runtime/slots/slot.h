// A request slot: one call from submit until its slot is recycled.
//
// Who ends a call (reply, library error, cancel, deadline, shutdown) is
// decided by one compare-and-swap on `word`, which packs
//   [generation:32][outcome status:16][flags:16].
// The generation is part of every transition, so a transition meant for an
// earlier call in this slot (a stale ticket, a late reply) always fails.
//
// Three holders let go of a live slot, in any order, each by setting a flag:
//   kClaimed    the outcome is decided (set once, by the winner);
//   kDelivered  the completion reached its callback or completion queue;
//   kLaneDone   the lane is finished with the request (replied, or found
//               it already claimed, or the lane stopped).
// Whoever is last of the three recycles the slot: generation + 1, kFree
// (a last holder that sees the other two flags set recycles without
// setting its own). So a late reply can never complete another call.
//
// Publication: the submitter fills the request fields, then stores the word
// (release); a lane reads the word (acquire) before the fields. The replying
// lane writes the result fields before its claim CAS (release); the
// deliverer reads the word (acquire) before them.
#ifndef TETHER_RUNTIME_SLOTS_SLOT_H_
#define TETHER_RUNTIME_SLOTS_SLOT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "base/cpu.h"
#include "tether/types.h"

namespace tether {

class CompletionQueue;

namespace slot_word {

inline constexpr uint16_t kClaimed = 1;
inline constexpr uint16_t kDelivered = 2;
inline constexpr uint16_t kLaneDone = 4;
inline constexpr uint16_t kFree = 8;
inline constexpr uint16_t kAllHoldersDone = kClaimed | kDelivered | kLaneDone;

constexpr uint64_t make(uint32_t generation, uint16_t status, uint16_t flags) {
  return (uint64_t{generation} << 32) | (uint64_t{status} << 16) | flags;
}
constexpr uint32_t generation(uint64_t word) {
  return static_cast<uint32_t>(word >> 32);
}
constexpr tether_status status(uint64_t word) {
  return static_cast<tether_status>((word >> 16) & 0xFFFF);
}
constexpr uint16_t flags(uint64_t word) {
  return static_cast<uint16_t>(word & 0xFFFF);
}
constexpr bool all_holders_done(uint64_t word) {
  return (flags(word) & kAllHoldersDone) == kAllHoldersDone;
}

}  // namespace slot_word

// A ticket (and a request id, the same value) is
//   [runtime tag:16][generation:24][index:24],
// so a ticket names its runtime: one runtime's ticket handed to another
// finds no call there (unless 65535 runtimes were opened between the two,
// when tags repeat). The tag is never 0, so neither is a ticket. Slot
// generations count modulo 2^24 (slot_word keeps them in 32 bits, always
// below 2^24), and a pool holds at most 2^24 slots.
namespace ticket {

inline constexpr uint32_t kGenerationMask = (uint32_t{1} << 24) - 1;
inline constexpr uint32_t kMaxSlots = uint32_t{1} << 24;

constexpr uint64_t make(uint16_t runtime_tag, uint32_t generation,
                        uint32_t index) {
  return (uint64_t{runtime_tag} << 48) |
         (uint64_t{generation & kGenerationMask} << 24) |
         (index & (kMaxSlots - 1));
}
constexpr uint16_t runtime_tag(uint64_t ticket) {
  return static_cast<uint16_t>(ticket >> 48);
}
constexpr uint32_t generation(uint64_t ticket) {
  return static_cast<uint32_t>(ticket >> 24) & kGenerationMask;
}
constexpr uint32_t index(uint64_t ticket) {
  return static_cast<uint32_t>(ticket) & (kMaxSlots - 1);
}
// 1..65535 from a runtime's serial number.
constexpr uint16_t tag_for(uint64_t runtime_id) {
  return static_cast<uint16_t>((runtime_id - 1) % 65535 + 1);
}

}  // namespace ticket

// Where a completion goes: a callback, or a completion queue.
struct CompletionTarget {
  tether_callback_fn callback = nullptr;
  CompletionQueue* cq = nullptr;
  uint64_t user_data = 0;
};

inline constexpr std::size_t kInlinePayload = 64;
inline constexpr uint32_t kNoLane = UINT32_MAX;

// Fields are laid out by who writes them, because each line both sides
// write crosses between their cores twice per call. Line 0 is the request,
// written by the submitter and read by the lane (the word and the free-list
// link are written by both); line 1 is where the completion goes and what
// the slot owns (submitter) and the result (lane); line 2 starts with a
// library error's text, written by the lane only on errors, then the
// inline payload (submitter), which runs into line 3. A slot is not
// cleared when it is released: fill_slot writes every request field, and
// result fields are read only for the outcome whose reply wrote them.
struct alignas(kCacheLine) Slot {
  std::atomic<uint64_t> word{0};
  std::atomic<uint32_t> next_free{0};  // free-list link (index + 1)
  uint32_t index = 0;

  // The request: written by the submitter before the word is published.
  uint32_t method = 0;
  uint32_t lane = 0;  // the lane queue it was sent to, or kNoLane (shared)
  uint64_t key = 0;
  const void* payload = nullptr;
  uint32_t payload_len = 0;       // at most TETHER_BUF_MAX_SIZE (2^30)
  uint32_t submitter_thread = 0;  // OS thread id, for the recorder
  uint64_t submit_ns = 0;
  uint64_t deadline_ns = 0;  // 0: none

  CompletionTarget target;
  void* payload_buffer = nullptr;  // a moved tether buffer, or null
  void* payload_heap = nullptr;    // a copy too large to keep inline, or null
  // The lane that ran it (kNoLane until then); read by a reply on another
  // thread to reject it.
  std::atomic<uint32_t> ran_on_lane{kNoLane};

  // The result: written by the replying lane before its claim.
  int32_t library_code = 0;
  void* result = nullptr;
  std::size_t result_len = 0;
  char* error = nullptr;  // only for a library error
  std::size_t error_len = 0;

  alignas(16) unsigned char inline_payload[kInlinePayload];

  // The link of the delivery thread's overflow list: a claimed slot is
  // handed to the delivery thread at most once, so it needs one link.
  Slot* overflow_next = nullptr;
};

static_assert(offsetof(Slot, deadline_ns) < kCacheLine,
              "the request header fills line 0");
static_assert(offsetof(Slot, target) == kCacheLine &&
                  offsetof(Slot, result_len) < 2 * kCacheLine,
              "target, ownership and result share line 1");
static_assert(offsetof(Slot, error) == 2 * kCacheLine,
              "a library error's text starts line 2");
static_assert(sizeof(Slot) == 4 * kCacheLine,
              "the overflow link fits in line 3");

}  // namespace tether

#endif  // TETHER_RUNTIME_SLOTS_SLOT_H_
