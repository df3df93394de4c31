// Checks every tether buffer at once, on demand: the header of every live
// buffer, the guards of every live debug-mode buffer, and the fill of every
// quarantined block (a write after free). Each problem found is reported
// (misuse_report.h) and counted once per buffer.
//
// Thread safety: thread-safe. Holds one registry shard lock at a time, so
// allocation and free continue around it. Cost: proportional to the live
// buffers' guards plus the quarantined bytes.
#ifndef TETHER_RUNTIME_BUFFERS_INTEGRITY_CHECK_H_
#define TETHER_RUNTIME_BUFFERS_INTEGRITY_CHECK_H_

#include "base/status.h"

namespace tether::buffers {

// kOk, or kBufferCorrupt when anything was damaged.
Status check_all();

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_INTEGRITY_CHECK_H_
