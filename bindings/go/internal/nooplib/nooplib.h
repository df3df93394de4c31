/* nooplib.h — a minimal tether library, plain C functions to compare
 * tether's costs against, and a fault for the crash-handler tests. */
#ifndef NOOPLIB_H
#define NOOPLIB_H

#include <tether/library.h>
#include <tether/status.h>

#define NOOPLIB_METHOD_NOOP 0u
#define NOOPLIB_METHOD_ECHO 1u
#define NOOPLIB_METHOD_SLEEP 2u
#define NOOPLIB_METHOD_FAULT 3u
#define NOOPLIB_METHOD_HOLD 4u
#define NOOPLIB_METHOD_BLOCK 5u

/* The library's table (static storage). */
const tether_library* nooplib_library(void);

/* HOLD requests started after nooplib_holds_close() keep their lanes busy
 * until nooplib_holds_open() (open is the initial state); nooplib_holding()
 * is how many are waiting now. Any thread. */
void nooplib_holds_close(void);
void nooplib_holds_open(void);
int nooplib_holding(void);

/* A C function that does nothing: the cost of a bare cgo call. */
void nooplib_direct_noop(void);

/* A C function that blocks its thread for delay_ns. */
void nooplib_direct_sleep(uint64_t delay_ns);

/* What a typical C library call that blocks does (a synchronous read, an
 * fsync): blocks its thread for delay_ns, after making a thread-local
 * "session" the first time a thread calls it (since the last reset). Any
 * thread. */
void nooplib_blocking_op(uint64_t delay_ns);

/* How many threads have made a session since the last reset; the reset
 * makes every thread's session count as new. Any thread. */
int nooplib_sessions(void);
void nooplib_sessions_reset(void);

/* Stores through a null pointer: a SIGSEGV in a frame of its own, on
 * whatever thread calls it (a lane, for NOOPLIB_METHOD_FAULT). Exported and
 * never inlined, so a stack walker can name it. */
void nooplib_store_through_null(void);

#endif /* NOOPLIB_H */
