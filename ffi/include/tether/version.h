/* tether/version.h — the version this header describes, and the version of
 * the library actually loaded. Bindings compare the two at load time. */
#ifndef TETHER_VERSION_H
#define TETHER_VERSION_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TETHER_VERSION_MAJOR 0
#define TETHER_VERSION_MINOR 1
#define TETHER_VERSION_PATCH 0
#define TETHER_VERSION_STRING "0.1.0"
/* major * 1000000 + minor * 1000 + patch */
#define TETHER_VERSION_NUMBER                                     \
  (TETHER_VERSION_MAJOR * 1000000 + TETHER_VERSION_MINOR * 1000 + \
   TETHER_VERSION_PATCH)

/* The version of the loaded library, as TETHER_VERSION_NUMBER computes it.
 * A binding built against header version H must refuse to run when
 * tether_version_number() / 1000000 differs from H / 1000000, or when it is
 * older than H.
 * Thread safety: any thread. Blocks: no. */
TETHER_API uint32_t tether_version_number(void);

/* The loaded library's version as "MAJOR.MINOR.PATCH".
 * Ownership: static storage. Thread safety: any thread. Blocks: no. */
TETHER_API const char* tether_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_VERSION_H */
