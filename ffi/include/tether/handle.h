/* tether/handle.h — generational handles: how a library hands its objects
 * (a cursor, a session) to hosts without ever handing out a pointer.
 *
 * A handle is a 64-bit [generation:32][index:32] value, never 0, with a
 * reference count. The library creates one (tether_host_api.handle_new)
 * holding one reference and returns it in a result; the host passes it back
 * in later payloads, retains and releases it. When the last reference goes,
 * the library's destroy function runs and every copy of the handle becomes
 * stale: using it returns TETHER_E_STALE_TICKET and logs, never touches
 * another object, and a release one time too many never wraps a count.
 *
 * Handles are process-wide, like buffers: one outlives the runtime whose
 * library made it. A library loaded by path (tether_runtime_open_path)
 * stays loaded, after its runtime is destroyed, until the last reference
 * to the last handle it made is released and its destroy function has
 * returned; a handle's type name is copied when it is made. So releasing a
 * handle, or a leak report naming it, never reaches unloaded code or data.
 * Hosts whose numbers are doubles (JavaScript, LuaJIT) carry them as
 * BigInt or 64-bit cdata. */
#ifndef TETHER_HANDLE_H
#define TETHER_HANDLE_H

#include "tether/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Adds a reference to `handle`.
 * Errors: TETHER_E_STALE_TICKET (released, never issued, or 0; logged);
 *   TETHER_E_TOO_LARGE (2^32 - 1 references already).
 * Thread safety: any thread. Blocks: no. */
TETHER_API tether_status tether_handle_retain(uint64_t handle);

/* Drops a reference. The last one runs the library's destroy function on
 * this thread, then, if the library's runtime is gone and this was its last
 * handle, unloads the library's module.
 * Errors: TETHER_E_STALE_TICKET (already fully released, never issued, or
 *   0; logged, nothing changes).
 * Thread safety: any thread. Blocks: only as long as the library's destroy
 *   function, and the module's unloading (dlclose) when it is the last. */
TETHER_API tether_status tether_handle_release(uint64_t handle);

/* Number of live handles, process-wide.
 * Thread safety: any thread. Blocks: no. */
TETHER_API uint64_t tether_handles_live(void);

#ifdef __cplusplus
}
#endif

#endif /* TETHER_HANDLE_H */
