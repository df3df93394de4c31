// The process-wide buffer mode: release (a header check only) or debug
// (guards, fill patterns, quarantine). Chosen without rebuilding: by
// tether_buf_set_mode(), or by the environment variable TETHER_BUFFERS
// ("debug" or "release"), read once, at the first use of the allocator, as
// PYTHONMALLOC and MALLOC_PERTURB_ are.
//
// Thread safety: thread-safe. The mode is one relaxed atomic: a change is
// seen by later allocations on other threads soon, not at once. That is
// enough because each buffer records the mode it was allocated in and is
// freed and checked by that mode, so switching at any moment is safe.
#ifndef TETHER_RUNTIME_BUFFERS_BUFFER_MODE_H_
#define TETHER_RUNTIME_BUFFERS_BUFFER_MODE_H_

#include <cstdint>

#include "base/status.h"
#include "tether/buffer.h"

namespace tether::buffers {

enum class Mode : uint8_t {
  kRelease = TETHER_BUF_MODE_RELEASE,
  kDebug = TETHER_BUF_MODE_DEBUG,
};

inline constexpr const char* kModeEnvironmentVariable = "TETHER_BUFFERS";

// The mode new buffers get. The first call reads TETHER_BUFFERS.
Mode current_mode();

// kInvalidArg (and no change) unless `mode` is a TETHER_BUF_MODE_* value.
Status set_mode(int32_t mode);

// A runtime's config asks for debug mode: switches to it unless
// TETHER_BUFFERS is set, which wins. Logs which happened (INFO), naming
// `who` asked.
void request_debug_mode(const char* who);

const char* mode_name(Mode mode);

}  // namespace tether::buffers

#endif  // TETHER_RUNTIME_BUFFERS_BUFFER_MODE_H_
