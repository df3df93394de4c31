// Freed debug-mode blocks wait here, filled with kFreedByte (and poisoned under
// ASan), so a write after free lands on bytes tether checks: when the block
// leaves (oldest first, once the quarantine is over its bounds), or when
// tether_buf_check_all() runs. A block that leaves is checked and handed to the
// registry's memory of frees (block_registry.h), which gives it back to malloc
// later.
//
// Bounds: kQuarantineBlocks blocks and kQuarantineBytes bytes of data. A
// block larger than kQuarantineMaxBlockBytes skips the quarantine (its
// guards are still checked on free).
//
// Thread safety: thread-safe; one lock, never held while reporting, freeing
// or taking a registry lock. Invariants: a block is in the quarantine only
// after its fill is complete, and leaves it before it is checked and freed;
// the quarantine keeps its own copy of each block's facts (size, sites), so
// a header overwritten after the free cannot mislead it.
#ifndef TETHER_RUNTIME_BUFFERS_QUARANTINE_H_
#define TETHER_RUNTIME_BUFFERS_QUARANTINE_H_

#include <cstddef>
#include <cstdint>

#include "base/status.h"
#include "buffers/block_registry.h"

namespace tether::buffers {

inline constexpr std::size_t kQuarantineBlocks = 1024;
inline constexpr std::size_t kQuarantineBytes = std::size_t{8} << 20;
inline constexpr std::size_t kQuarantineMaxBlockBytes = std::size_t{1} << 20;

// Takes a freed, filled debug block; releases the oldest blocks past the
// bounds, reporting any that were written after their free.
// REQUIRES: facts.size <= kQuarantineMaxBlockBytes.
void quarantine_block(const BlockFacts& facts);

// Checks the fill of every quarantined block; reports and repairs each
// write after free. kBufferCorrupt if any, else kOk.
Status check_quarantine();

// Releases every quarantined block (checked, as on the way out). kBufferCorrupt
// if any was written after its free, else kOk.
Status drain_quarantine();

void quarantine_totals(uint64_t* count, uint64_t* bytes);

// Fork support: take the lock / release it.
void lock_quarantine_for_fork();
void unlock_quarantine_after_fork();

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_QUARANTINE_H_
