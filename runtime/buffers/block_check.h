// Reads a block's guards, header magic and freed fill, and says where the
// first unexpected byte is. Repairs what it is asked to, so one misuse is
// reported once and a later one is still seen.
//
// Thread safety: not thread-safe per block: the caller holds the block's
// registry lock (live blocks) or the quarantine's (freed blocks), or owns
// the block. Under ASan each function unpoisons exactly the bytes it reads
// and poisons them again before returning.
#ifndef TETHER_RUNTIME_BUFFERS_BLOCK_CHECK_H_
#define TETHER_RUNTIME_BUFFERS_BLOCK_CHECK_H_

#include <cstddef>
#include <cstdint>

#include "buffers/block_layout.h"

namespace tether::buffers {

struct Damage {
  enum class Kind : uint8_t {
    kNone,
    kHeader,          // the header's magic or size was overwritten
    kUnderwrite,      // a byte of the front guard
    kOverwrite,       // a byte of the back guard
    kWriteAfterFree,  // a byte of a quarantined block's data
  };
  Kind kind = Kind::kNone;
  std::ptrdiff_t offset = 0;  // from the first data byte; negative: before it
  unsigned char found = 0;
  unsigned char expected = 0;

  explicit operator bool() const { return kind != Kind::kNone; }
};

// Header magic and size (against `size` and `mode`, the registry's trusted
// copies); then, for a debug block, the front guard and the back guard.
Damage check_guards(BlockHeader* header, std::size_t size, Mode mode);

// A quarantined block's data still holds kFreedByte.
// REQUIRES: header->mode == Mode::kDebug.
Damage check_freed_fill(BlockHeader* header);

// Writes kFreedByte over the data again (after a write after free was
// reported). Leaves the data poisoned under ASan.
void refill_freed(BlockHeader* header);

const char* damage_name(Damage::Kind kind);

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_BLOCK_CHECK_H_
