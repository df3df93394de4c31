// The layout of one tether buffer in memory, and the byte patterns of debug
// mode.
//
//   release:  [BlockHeader][data: size bytes]
//   debug:    [BlockHeader][front guard][data: size][back guard]
//
// The header's magic is its last field, so a small write before the data of
// a release-mode buffer lands on it and the header check on free sees it. In
// debug mode the front guard comes first. The back guard also fills the
// padding that rounds the data up to 16 bytes, so the very first byte past
// the end is a guard byte.
//
// Thread safety: a header is written by the allocating thread before the
// buffer is registered, and later only under its registry shard's lock (the
// free site, the state) or by the one thread that owns a freed block.
//
// Invariants: the data is 16-byte aligned; a live block's guards hold
// kGuardByte; a quarantined block's data holds kFreedByte.
#ifndef TETHER_RUNTIME_BUFFERS_BLOCK_LAYOUT_H_
#define TETHER_RUNTIME_BUFFERS_BLOCK_LAYOUT_H_

#include <cstddef>
#include <cstdint>

#include "buffers/buffer_mode.h"
#include "buffers/site.h"

namespace tether::buffers {

// The patterns, documented in tether/buffer.h. Each is odd, above 0x7F and
// differs from CPython's and MSVC's (0xCD/0xDD/0xFD), so a dump shows whose
// allocator a byte came from.
inline constexpr unsigned char kNewByte = TETHER_BUF_NEW_BYTE;
inline constexpr unsigned char kFreedByte = TETHER_BUF_FREED_BYTE;
inline constexpr unsigned char kGuardByte = TETHER_BUF_GUARD_BYTE;

inline constexpr std::size_t kAlignment = 16;
inline constexpr std::size_t kFrontGuardBytes = 16;
inline constexpr std::size_t kMinBackGuardBytes = 16;

inline constexpr uint64_t kHeaderMagic = 0x7465746865726864ULL;  // "tetherhd"

enum class BlockState : uint8_t {
  kLive = 1,
  kFreed = 2,    // claimed by a free: being released or in quarantine
  kRetired = 3,  // found damaged: kept, never reused, never handed to free()
};

struct alignas(kAlignment) BlockHeader {
  Site allocated_at;
  Site freed_at;
  uint64_t size = 0;
  uint64_t serial = 0;  // the allocation's number, process-wide, from 1
  Mode mode = Mode::kRelease;
  BlockState state = BlockState::kLive;
  bool damage_reported = false;  // counted once, however often found
  uint8_t reserved = 0;
  // The call a lane was running when the block was made (call_origin.h),
  // or 0s.
  uint32_t origin_method = 0;
  uint64_t origin_ticket = 0;
  uint64_t origin_key = 0;
  uint64_t magic = kHeaderMagic;  // last: next to the data or front guard
};
static_assert(sizeof(BlockHeader) == 80);
static_assert(sizeof(BlockHeader) % kAlignment == 0);
static_assert(alignof(std::max_align_t) >= kAlignment);

constexpr std::size_t front_guard_bytes(Mode mode) {
  return mode == Mode::kDebug ? kFrontGuardBytes : 0;
}

constexpr std::size_t back_guard_bytes(Mode mode, std::size_t size) {
  if (mode != Mode::kDebug) return 0;
  std::size_t padding = (kAlignment - size % kAlignment) % kAlignment;
  return padding + kMinBackGuardBytes;
}

constexpr std::size_t block_bytes(Mode mode, std::size_t size) {
  return sizeof(BlockHeader) + front_guard_bytes(mode) + size +
         back_guard_bytes(mode, size);
}

inline unsigned char* data_of(BlockHeader* header) {
  return reinterpret_cast<unsigned char*>(header + 1) +
         front_guard_bytes(header->mode);
}

inline unsigned char* front_guard_of(BlockHeader* header) {
  return reinterpret_cast<unsigned char*>(header + 1);
}

inline unsigned char* back_guard_of(BlockHeader* header) {
  return data_of(header) + header->size;
}

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_BLOCK_LAYOUT_H_
