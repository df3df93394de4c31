// The end of a freed block's life: one last check, then the registry
// remembers it (its memory goes back to malloc when the registry forgets
// it), or, when its guards or header are damaged, it is retired: kept
// for good and never handed to free(), because what lies past a damaged
// guard (malloc's own bookkeeping) may be damaged too.
//
// Thread safety: thread-safe for distinct blocks. REQUIRES: the caller owns
// the block: it claimed it with claim_for_free(), or took it out of the
// quarantine. No allocator lock is held.
#ifndef TETHER_RUNTIME_BUFFERS_BLOCK_RELEASE_H_
#define TETHER_RUNTIME_BUFFERS_BLOCK_RELEASE_H_

#include "base/status.h"
#include "buffers/block_check.h"
#include "buffers/block_registry.h"

namespace tether::buffers {

// Checks the header and guards, and with `check_fill` the freed fill too
// (a block leaving quarantine). Reports damage as found by `found_by`.
// kBufferCorrupt when anything was damaged (a block written only after its
// free is still freed: the damage stayed inside it); else kOk.
Status finish_block(const BlockFacts& facts, bool check_fill,
                    const char* found_by);

// Reports damage found on a block the caller owns and retires it.
Status retire_damaged_block(const BlockFacts& facts, const Damage& damage,
                            const char* found_by);

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_BLOCK_RELEASE_H_
