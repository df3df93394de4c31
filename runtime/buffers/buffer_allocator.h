// The process-wide allocator of tether buffers: every byte that crosses the
// boundary. One allocator for the whole process, so a result outlives the
// runtime that produced it.
//
// Invariants:
//   - a pointer is checked for membership in the live registry before any
//     header is read, so a foreign pointer is reported without being
//     dereferenced;
//   - each buffer is preceded by a header holding its size;
//   - the registry remembers recent frees, so a double free is told apart
//     from a foreign pointer (within that memory).
//
// Thread safety: every function is thread-safe. The registry is sharded by
// address, so unrelated callers rarely meet on one lock. The shard locks are
// taken around fork() so the child inherits a consistent registry.
#ifndef TETHER_RUNTIME_BUFFERS_BUFFER_ALLOCATOR_H_
#define TETHER_RUNTIME_BUFFERS_BUFFER_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>

#include "base/status.h"

namespace tether::buffers {

// nullptr when size > TETHER_BUF_MAX_SIZE or memory is exhausted.
void* allocate(std::size_t size);

// A new buffer holding a copy of `text` and a NUL (length + 1 bytes).
char* allocate_string(const char* text, std::size_t length);

// kForeignBuffer / kDoubleFree leave everything untouched (and log).
Status release(void* data);

// kForeignBuffer when `data` is not live.
Status size_of(const void* data, std::size_t* size);

bool is_live(const void* data);

void live_totals(uint64_t* count, uint64_t* bytes);

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_BUFFER_ALLOCATOR_H_
