// The engine's one status type, mapped 1:1 onto tether_status at the shim.
// Each value's meaning for a caller is documented in tether/status.h.
#ifndef TETHER_RUNTIME_BASE_STATUS_H_
#define TETHER_RUNTIME_BASE_STATUS_H_

#include <cstdint>

#include "tether/status.h"

namespace tether {

enum class Status : int32_t {
  kOk = TETHER_OK,
  kInvalidArg = TETHER_E_INVALID_ARG,
  kBusy = TETHER_E_BUSY,
  kClosed = TETHER_E_CLOSED,
  kCancelled = TETHER_E_CANCELLED,
  kDeadline = TETHER_E_DEADLINE,
  kLibrary = TETHER_E_LIBRARY,
  kStaleTicket = TETHER_E_STALE_TICKET,
  kAlreadyCompleted = TETHER_E_ALREADY_COMPLETED,
  kWouldDeadlock = TETHER_E_WOULD_DEADLOCK,
  kForked = TETHER_E_FORKED,
  kNoMemory = TETHER_E_NO_MEMORY,
  kTooLarge = TETHER_E_TOO_LARGE,
  kLoad = TETHER_E_LOAD,
  kVersion = TETHER_E_VERSION,
  kWrongThread = TETHER_E_WRONG_THREAD,
  kForeignBuffer = TETHER_E_FOREIGN_BUFFER,
  kDoubleFree = TETHER_E_DOUBLE_FREE,
  kInternal = TETHER_E_INTERNAL,
  kBufferCorrupt = TETHER_E_BUFFER_CORRUPT,
  kIo = TETHER_E_IO,
};

constexpr tether_status to_c(Status status) {
  return static_cast<tether_status>(status);
}

// "TETHER_E_BUSY"; static storage.
const char* status_name(tether_status status);

}  // namespace tether

#endif  // TETHER_RUNTIME_BASE_STATUS_H_
