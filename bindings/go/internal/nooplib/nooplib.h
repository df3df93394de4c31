/* nooplib.h — a minimal tether library and two plain C functions to
 * compare tether's costs against. */
#ifndef NOOPLIB_H
#define NOOPLIB_H

#include <tether/library.h>
#include <tether/status.h>

#define NOOPLIB_METHOD_NOOP 0u
#define NOOPLIB_METHOD_ECHO 1u
#define NOOPLIB_METHOD_SLEEP 2u

/* The library's table (static storage). */
const tether_library* nooplib_library(void);

/* A C function that does nothing: the cost of a bare cgo call. */
void nooplib_direct_noop(void);

/* A C function that blocks its thread for delay_ns. */
void nooplib_direct_sleep(uint64_t delay_ns);

#endif /* NOOPLIB_H */
