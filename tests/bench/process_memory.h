// What the process holds right now: resident set size (from
// /proc/self/statm) and bytes handed out by malloc (glibc's mallinfo2).
// Thread-safe.
#ifndef TETHER_BENCH_PROCESS_MEMORY_H
#define TETHER_BENCH_PROCESS_MEMORY_H

#include <cstdint>

namespace tether_bench {

// Resident bytes, or -1 where /proc/self/statm cannot be read.
int64_t resident_bytes();

// Bytes in use from the malloc heap (glibc), or -1 where that is unknown
// (another libc, or a sanitizer build, whose allocator glibc does not see).
int64_t heap_bytes_in_use();

}  // namespace tether_bench

#endif  // TETHER_BENCH_PROCESS_MEMORY_H
