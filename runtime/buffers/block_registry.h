// Which pointers are tether buffers. Every pointer handed to tether is looked
// up here before any header is read, so a pointer tether did not allocate is
// reported without ever being dereferenced.
//
// Each entry holds the header's address and trusted copies of the size and
// mode (a corrupted header cannot mislead the checks). Entries of freed
// blocks stay while the block is being released or sits in quarantine; then
// a bounded ring per shard remembers the block (sites included), so a double
// free is told apart from a foreign pointer and names where the block was
// first freed.
//
// Membership is decided by address, so an address must never be answered
// for after its memory could belong to someone else: a remembered block
// keeps its memory (poisoned under ASan) until the ring forgets it, and only
// then goes back to malloc. While the registry answers "freed" for an
// address, neither malloc nor tether can have handed that address out again.
//
// Thread safety: thread-safe. The registry is sharded by address; no
// function holds a shard lock while calling out (logging, malloc's free), and
// no other lock is taken under one. The shard locks are taken around fork().
#ifndef TETHER_RUNTIME_BUFFERS_BLOCK_REGISTRY_H_
#define TETHER_RUNTIME_BUFFERS_BLOCK_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <functional>

#include "buffers/block_layout.h"
#include "buffers/call_origin.h"
#include "buffers/site.h"

namespace tether::buffers {

// The registry's sharding, and the bounds of each shard's memory of frees:
// the last kRememberedFreesPerShard blocks freed in the shard, as long as
// their blocks (header and guards included) add up to at most
// kRememberedBytesPerShard. A larger block is not remembered at all.
inline constexpr std::size_t kRegistryShards = 32;
inline constexpr std::size_t kRememberedFreesPerShard = 256;
inline constexpr std::size_t kRememberedBytesPerShard = std::size_t{64} << 10;

// The shard that holds `data` (for tests that fill one shard's memory).
std::size_t registry_shard_of(const void* data);

// What the registry knew about a block, copied out under its lock.
struct BlockFacts {
  const void* data = nullptr;
  BlockHeader* header = nullptr;  // poisoned under ASan once remembered
  uint64_t size = 0;
  uint64_t serial = 0;
  Mode mode = Mode::kRelease;
  Site allocated_at;
  Site freed_at;
  bool sites_known = true;  // false when the header was found overwritten
  CallOrigin origin;        // when sites_known
};

enum class Membership : uint8_t {
  kForeign,  // never a tether buffer, or freed too long ago to remember
  kLive,
  kFreed,  // freed (in quarantine, being released, retired or remembered)
};

// Live blocks and their bytes, process-wide. The two are read one after the
// other, not as one snapshot.
struct LiveTotals {
  uint64_t count = 0;
  uint64_t bytes = 0;
};

// Registers a new live block and returns the live totals including it. No
// remembered block can have its address (see above).
// Throws std::bad_alloc (and registers nothing).
LiveTotals register_block(BlockHeader* header);

// For a free: if `data` is live, marks it freed at `freed_by` (header and
// entry) and returns kLive with the facts; otherwise returns kFreed (with the
// first free's facts) or kForeign, and changes nothing.
Membership claim_for_free(const void* data, Site freed_by, BlockFacts* facts);

// The block was checked and its life as a buffer is over: drops its entry
// and remembers it as freed, keeping its memory (poisoned under ASan). The
// blocks the ring forgets to make room, and this one if it is larger than
// kRememberedBytesPerShard, go back to malloc, outside the shard lock.
// REQUIRES: claimed by claim_for_free(); the block is unpoisoned.
void remember_freed_block(const BlockFacts& facts);

// The block was found damaged: its entry stays, state kRetired, so its
// memory (and whatever lies past it) is never handed to malloc again.
void retire_block(const void* data);

// kLive with the size for a live block; no header is read otherwise.
Membership lookup(const void* data, std::size_t* size);

LiveTotals registry_live_totals();

// Calls `visit` for every live block, one shard at a time under its lock.
// `visit` must not block, log, or call into the allocator.
void for_each_live_block(const std::function<void(const BlockFacts&)>& visit);

// Fork support: take every shard lock / release them.
void lock_registry_for_fork();
void unlock_registry_after_fork();

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_BLOCK_REGISTRY_H_
