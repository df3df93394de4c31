/* tether/buffer.h — the buffers that cross the boundary.
 *
 * One allocator serves the whole process, so a buffer outlives the runtime
 * that produced it. Only tether_buf_free() frees a tether buffer, and it
 * frees nothing else: before reading any header it checks that tether
 * allocated the pointer, so a foreign pointer (from malloc, a Go slice, a
 * Python bytes object) is reported, never touched.
 *
 * MODES. Each buffer is allocated in the mode current at that moment and is
 * freed and checked by that mode, so the mode may change at any time:
 *   - release (the default): a header before the data, checked on free;
 *   - debug: guards before and after the data, new bytes and freed bytes
 *     filled with the patterns below, freed blocks kept in a quarantine and
 *     checked when they leave it.
 * Choose with tether_buf_set_mode(), or without touching code with the
 * environment variable TETHER_BUFFERS=debug (or =release), read once, at
 * the allocator's first use (as PYTHONMALLOC=debug and MALLOC_PERTURB_ are).
 * In a build with AddressSanitizer, debug mode also poisons the guards and
 * quarantined blocks: ASan then stops the process at the bad access itself,
 * with its own report, instead of tether returning a status later.
 *
 * WHAT EACH MODE DETECTS, AND HOW (TETHER_E_ omitted; "ASan" is a build
 * with AddressSanitizer, TETHER_ASAN):
 *
 * misuse            | release          | debug            | debug, ASan
 * ------------------+------------------+------------------+---------------
 * free of a pointer | FOREIGN_BUFFER   | same             | same
 * tether did not    | from free; the   |                  |
 * allocate          | pointer is never |                  |
 *                   | read             |                  |
 * double free       | DOUBLE_FREE from | same; always     | same: a status,
 *                   | free, while the  | while the block  | not a crash
 *                   | free is remem-   | is quarantined   |
 *                   | bered (1)        |                  |
 * write past the    | not detected:    | BUFFER_CORRUPT   | ASan stops the
 * end               | no guard (2)     | from free and    | process at the
 *                   |                  | check_all        | write
 * write before the  | only the 8 bytes | BUFFER_CORRUPT   | ASan stops the
 * start             | just before the  | from free and    | process at the
 *                   | data (the header | check_all (a     | write (3)
 *                   | magic): BUFFER_  | 16-byte guard,   |
 *                   | CORRUPT (2)      | then the header) |
 * write after free  | not detected:    | logged + counted | ASan stops the
 *                   | the memory is    | when the block   | process at the
 *                   | held unchecked,  | leaves quaran-   | write
 *                   | then back with   | tine; BUFFER_    |
 *                   | malloc (1) (2)   | CORRUPT from     |
 *                   |                  | check_all (4)    |
 * read of new or    | not detected     | not detected;    | reads of freed
 * freed bytes       |                  | reads see the    | bytes: ASan
 *                   |                  | fill patterns    | stops there
 *
 * (1) Each of the registry's 32 shards remembers the last 256 buffers freed
 *     in it (8192 in all), fewer when their blocks (data, header and
 *     guards) add up to more than 64 KiB; a buffer whose block alone is
 *     larger is not remembered. A remembered buffer's memory stays with
 *     tether, so no later allocation, tether's or malloc's, can have its
 *     address: a pointer reported as a double free is one tether freed,
 *     never memory someone else allocated since. A double free of a buffer
 *     no longer remembered is reported as TETHER_E_FOREIGN_BUFFER.
 * (2) In an ASan build ASan itself still stops the process at a write past
 *     the end or after free of a release-mode buffer (its redzone, and
 *     tether's poisoning of a remembered block or ASan's quarantine,
 *     surround tether's block); a write before the start meets tether's
 *     80-byte header first.
 * (3) The header is not poisoned; writes reaching it are seen on free.
 * (4) The quarantine holds the last 1024 freed debug blocks, up to 8 MiB of
 *     data; blocks over 1 MiB skip it (their guards are still checked).
 *
 * HOW A MISUSE IS REPORTED: a log line (tether/log.h; ERROR for damage, WARN
 * for a bad free) naming the buffer's serial number, size and mode, where it
 * was allocated, where it was first freed, and where the misuse was found;
 * a process-wide counter (tether_buf_problems()); and, from tether_buf_free
 * and tether_buf_check_all, a status. A write after free found when the
 * block leaves the quarantine has no caller to return a status to: only the
 * log line and the counter tell of it, or run tether_buf_check_all().
 * A site is the tag passed to the *_tagged functions, or else the return
 * address of the caller, printed as "module+0xoffset".
 * A buffer whose guards or header are damaged is retired: it counts as
 * freed, but its memory is never reused or handed back to malloc, since what
 * lies past it may be damaged too. tether never frees a block twice.
 *
 * FILL PATTERNS (debug mode). 0x00 hides a missing terminator and looks
 * like valid zeroed data; 0xFF looks like -1. The bytes below are high and
 * odd: as a pointer, 0xDBDB... is non-canonical on x86-64 and misaligned,
 * so a stale pointer read out of a freed buffer faults at its first use; as
 * a length it is enormous; in a text dump it is not ASCII. They keep
 * CPython's and MSVC's mnemonic (C clean, D dead, F fence) but not their
 * values (0xCD/0xDD/0xFD), so in a process where CPython also runs with
 * PYTHONMALLOC=debug a dump shows whose allocator a byte came from;
 * jemalloc's 0xA5/0x5A was passed over because 0x5A is the letter 'Z'. */
#ifndef TETHER_BUFFER_H
#define TETHER_BUFFER_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest single buffer tether_buf_alloc() hands out (1 GiB). */
#define TETHER_BUF_MAX_SIZE ((size_t)1 << 30)

/* Buffer modes, for tether_buf_set_mode(). */
#define TETHER_BUF_MODE_RELEASE ((int32_t)0)
#define TETHER_BUF_MODE_DEBUG ((int32_t)1)

/* Debug mode: every byte of a new buffer. */
#define TETHER_BUF_NEW_BYTE ((unsigned char)0xCB)
/* Debug mode: every byte of a freed buffer while in quarantine. */
#define TETHER_BUF_FREED_BYTE ((unsigned char)0xDB)
/* Debug mode: the guards before and after the data. */
#define TETHER_BUF_GUARD_BYTE ((unsigned char)0xFB)

/* Kinds of misuse counted process-wide, for tether_buf_problems(). Pinned;
 * new kinds are only ever added. Each damaged buffer is counted once. */
#define TETHER_BUF_PROBLEM_DOUBLE_FREE ((int32_t)0)
#define TETHER_BUF_PROBLEM_FOREIGN ((int32_t)1)
#define TETHER_BUF_PROBLEM_OVERWRITE ((int32_t)2)  /* past the end */
#define TETHER_BUF_PROBLEM_UNDERWRITE ((int32_t)3) /* before the start */
#define TETHER_BUF_PROBLEM_WRITE_AFTER_FREE ((int32_t)4)

/* What the buffer functions may wait for: every function that takes a
 * buffer pointer (and tether_buf_alloc, and a submit with a moved payload)
 * looks the pointer up in a registry split into 32 shards by address, under
 * that shard's lock, which no caller holds across anything slow. Three
 * walks hold each shard's lock in turn while they visit its live buffers
 * (about 1/32 of all): tether_buf_check_all() (checking each one's header
 * and guards), a leak report and a live-buffer growth line (adding each one
 * to a per-site table). A buffer function whose pointer falls in the shard
 * being walked waits for that shard's visit. Besides, tether_buf_alloc
 * takes memory from malloc, and tether_buf_free gives it back, with
 * whatever waiting the C library's allocator does. */

/* Allocates a buffer of `size` bytes (0 is allowed and gives a distinct,
 * freeable pointer), aligned to 16 bytes. Contents are unspecified
 * (TETHER_BUF_NEW_BYTE in debug mode). Its allocation site is the caller's
 * return address.
 * Ownership: the caller owns the result; free it with tether_buf_free(), or
 *   move it into tether (a moved payload, a library's reply).
 * Errors: NULL when size > TETHER_BUF_MAX_SIZE or memory is exhausted
 *   (logged).
 * Thread safety: any thread. Blocks: no; takes a registry shard's lock
 *   and calls malloc (see "What the buffer functions may wait for"). */
TETHER_API TETHER_OWN void* tether_buf_alloc(size_t size);

/* As tether_buf_alloc(), with `site_tag` as its allocation site in reports
 * (a host whose calls all return through one trampoline, as cgo's do,
 * names its own code this way). NULL: the caller's return address.
 * Ownership: `site_tag` is borrowed: it is copied (the first 127 bytes) and
 *   interned the first time it is seen, and the copy lives until the process
 *   exits. Tags should name code locations: past 4096 distinct tags, new
 *   ones are recorded as "(too many site tags)" (logged once).
 * Errors, thread safety, blocking: as tether_buf_alloc(). */
TETHER_API TETHER_OWN void* tether_buf_alloc_tagged(size_t size,
                                                    const char* site_tag);

/* Frees a buffer from tether_buf_alloc(). NULL is accepted and ignored.
 * Ownership: takes `data`.
 * Errors: TETHER_E_FOREIGN_BUFFER if tether did not allocate `data`;
 *   TETHER_E_DOUBLE_FREE if it was already freed: both are logged with the
 *   sites, and nothing is freed or read. TETHER_E_BUFFER_CORRUPT if a write
 *   past the end or before the start damaged it (logged with the sites):
 *   the buffer counts as freed and its memory is retired, never reused.
 * Thread safety: any thread. Blocks: no; takes a registry shard's lock
 *   and calls free (see "What the buffer functions may wait for"). */
TETHER_API tether_status tether_buf_free(TETHER_OWN void* data);

/* As tether_buf_free(), with `site_tag` as the freeing site in reports
 * (NULL: the caller's return address). `site_tag` is borrowed, copied and
 * interned as for tether_buf_alloc_tagged().
 * Errors, thread safety, blocking: as tether_buf_free(). */
TETHER_API tether_status tether_buf_free_tagged(TETHER_OWN void* data,
                                                const char* site_tag);

/* The size `data` was allocated with.
 * Errors: TETHER_E_INVALID_ARG if size_out is NULL; TETHER_E_FOREIGN_BUFFER
 *   if `data` is NULL or not a live tether buffer.
 * Thread safety: any thread. Blocks: no; takes a registry shard's lock
 *   (see "What the buffer functions may wait for"). */
TETHER_API tether_status tether_buf_size(const void* data, size_t* size_out);

/* Number of live tether buffers and their total bytes, process-wide. Either
 * out-parameter may be NULL. Freed buffers waiting in the quarantine are
 * not live.
 * Thread safety: any thread. Blocks: no. */
TETHER_API void tether_buf_live(uint64_t* count_out, uint64_t* bytes_out);

/* Growth watch over live buffers, process-wide (the early warning for a
 * result nobody frees), by the rule of tether_runtime_config's
 * growth_threshold: the boundaries of the live count and of the live bytes
 * are T, 2T, 4T, ... where T is their threshold rounded up to a power of
 * two. A value at or above a boundary that has not logged writes one WARN
 * line naming the boundary, the value and the allocation site holding the
 * most bytes; a value past several boundaries at once writes one line, for
 * the highest; boundary B logs again only after the value was at or below
 * B/4. Defaults: 4096 buffers, 64 MiB. This call starts both watches over:
 * 0 keeps a watch's default, UINT64_MAX turns it off.
 * Thread safety: any thread. Blocks: no. */
TETHER_API void tether_buf_set_growth_threshold(uint64_t count_threshold,
                                                uint64_t bytes_threshold);

/* Sets the mode of buffers allocated from now on, process-wide
 * (TETHER_BUF_MODE_RELEASE or TETHER_BUF_MODE_DEBUG). Buffers already
 * allocated keep theirs. Overrides TETHER_BUFFERS.
 * Errors: TETHER_E_INVALID_ARG for any other value (nothing changes).
 * Thread safety: any thread; other threads' next allocations see the new
 *   mode soon, not necessarily at once. Blocks: no. */
TETHER_API tether_status tether_buf_set_mode(int32_t mode);

/* The mode new buffers get: TETHER_BUF_MODE_*. Reads TETHER_BUFFERS if the
 * allocator was not used yet.
 * Thread safety: any thread. Blocks: no. */
TETHER_API int32_t tether_buf_mode(void);

/* Checks every live buffer's header (and guards, for debug-mode buffers)
 * and the fill of every quarantined buffer, now. Each problem is logged
 * with its sites and counted (once per buffer); a write after free is
 * repaired, so the next one is seen too.
 * Errors: TETHER_E_BUFFER_CORRUPT if anything was damaged.
 * Thread safety: any thread. Blocks: no, but takes time in proportion to
 *   the live buffers and the quarantine (up to 8 MiB read). */
TETHER_API tether_status tether_buf_check_all(void);

/* How many misuses of kind `problem` (TETHER_BUF_PROBLEM_*) were found in
 * this process.
 * Errors: TETHER_E_INVALID_ARG if count_out is NULL or `problem` unknown.
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_buf_problems(int32_t problem,
                                             uint64_t* count_out);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_BUFFER_H */
