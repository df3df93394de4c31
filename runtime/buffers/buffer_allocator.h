// The process-wide allocator of tether buffers: every byte that crosses the
// boundary. One allocator for the whole process, so a result outlives the
// runtime that produced it.
//
// Each buffer is allocated in the mode current at the time (buffer_mode.h)
// and keeps it: release mode puts only a header before the data; debug mode
// adds guards, fill patterns and a quarantine (block_layout.h,
// quarantine.h). The misuses each mode detects are tabled in tether/buffer.h.
//
// Invariants:
//   - a pointer is checked for membership in the registry before any header
//     is read, so a foreign pointer is reported without being dereferenced;
//   - each buffer is preceded by a header holding its state, serial number,
//     size, mode, and the sites where it was allocated and freed;
//   - a misuse is reported (a log line naming the sites, a counter) and
//     answered with a status; tether never frees a block twice, never frees
//     a foreign pointer, and never hands a damaged block back to malloc.
//
// Thread safety: every function is thread-safe. The registry is sharded by
// address, so unrelated callers rarely meet on one lock. Every lock is taken
// around fork(), so the child inherits a consistent allocator.
#ifndef TETHER_RUNTIME_BUFFERS_BUFFER_ALLOCATOR_H_
#define TETHER_RUNTIME_BUFFERS_BUFFER_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>

#include "base/status.h"
#include "buffers/site.h"

namespace tether::buffers {

// nullptr when size > TETHER_BUF_MAX_SIZE or memory is exhausted (logged).
// The site is the caller's return address.
void* allocate(std::size_t size);

// As allocate(), recording `site` (its tag must be interned: site_tags.h).
void* allocate_at(std::size_t size, Site site);

// A new buffer holding a copy of `text` and a NUL (length + 1 bytes).
char* allocate_string(const char* text, std::size_t length);

// nullptr is kOk. kForeignBuffer / kDoubleFree change nothing (and log);
// kBufferCorrupt: the buffer was damaged (logged); it counts as freed. The
// freeing site is the caller's return address.
Status release(void* data);

// As release(), recording `site` as where the buffer was freed.
Status release_at(void* data, Site site);

// kForeignBuffer when `data` is not live (no header is read then).
Status size_of(const void* data, std::size_t* size);

bool is_live(const void* data);

// Live buffers (allocated, not yet freed) and their bytes; quarantined
// blocks are not live.
void live_totals(uint64_t* count, uint64_t* bytes);

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_BUFFER_ALLOCATOR_H_
