#include <cstring>

#include "boundary.h"
#include "core/handles.h"
#include "log/log.h"
#include "tether/recorder.h"

extern "C" {

TETHER_API tether_status tether_recorder_dump(const tether_runtime* runtime,
                                              int fd, uint32_t flags) {
  const char* why = nullptr;
  if (runtime == nullptr)
    why = "runtime is NULL";
  else if (fd < 0)
    why = "fd is negative";
  else if ((flags & ~TETHER_RECORDER_PAYLOADS) != 0)
    why = "flags has bits tether does not know";
  if (why != nullptr) {
    return tether::shim::reject("tether_recorder_dump", TETHER_E_INVALID_ARG,
                                why);
  }
  return tether::shim::guarded("tether_recorder_dump", [&] {
    const tether::Runtime& core = *runtime->runtime;
    if (core.forked()) {
      return tether::refused_in_forked_child("tether_recorder_dump");
    }
    const int error =
        core.recorder().dump(fd, (flags & TETHER_RECORDER_PAYLOADS) != 0);
    if (error != 0) {
      TETHER_LOG_WARNING("tether_recorder_dump: writing to fd %d failed: %s",
                         fd, std::strerror(error));
      return tether::Status::kIo;
    }
    return tether::Status::kOk;
  });
}

}  // extern "C"
