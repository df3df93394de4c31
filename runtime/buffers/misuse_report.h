// How the host learns of a misused buffer: one log line naming the sites
// (where the buffer was allocated, where it was first freed, where the
// misuse was found) and a process-wide counter per kind of misuse, read with
// tether_buf_problems().
//
// Thread safety: thread-safe. Callers must not hold any allocator lock: the
// log sink may call back into tether.
#ifndef TETHER_RUNTIME_BUFFERS_MISUSE_REPORT_H_
#define TETHER_RUNTIME_BUFFERS_MISUSE_REPORT_H_

#include <cstdint>

#include "base/status.h"
#include "buffers/block_check.h"
#include "buffers/block_registry.h"
#include "buffers/site.h"

namespace tether::buffers {

// Logs a second free of a freed block; counts it. `facts` describe the
// block as the first free left it.
void report_double_free(const BlockFacts& facts, Site freed_again_by);

// Logs a free (or size query) of a pointer tether never allocated, or
// forgot; counts it.
void report_foreign(const char* function, const void* data, Site called_by);

// Logs damage to a block. `found_by` says when ("tether_buf_free",
// "tether_buf_check_all", "leaving quarantine"). Counts it only the first
// time it is reported for the block (`first_time`).
void report_damage(const char* found_by, const BlockFacts& facts,
                   const Damage& damage, bool first_time);

// The counter for a TETHER_BUF_PROBLEM_* value; kInvalidArg for others.
Status problem_count(int32_t problem, uint64_t* count);

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_MISUSE_REPORT_H_
