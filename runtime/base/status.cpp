#include "base/status.h"

namespace tether {

const char* status_name(tether_status status) {
  switch (status) {
    case TETHER_OK:
      return "TETHER_OK";
    case TETHER_E_INVALID_ARG:
      return "TETHER_E_INVALID_ARG";
    case TETHER_E_BUSY:
      return "TETHER_E_BUSY";
    case TETHER_E_CLOSED:
      return "TETHER_E_CLOSED";
    case TETHER_E_CANCELLED:
      return "TETHER_E_CANCELLED";
    case TETHER_E_DEADLINE:
      return "TETHER_E_DEADLINE";
    case TETHER_E_LIBRARY:
      return "TETHER_E_LIBRARY";
    case TETHER_E_STALE_TICKET:
      return "TETHER_E_STALE_TICKET";
    case TETHER_E_ALREADY_COMPLETED:
      return "TETHER_E_ALREADY_COMPLETED";
    case TETHER_E_WOULD_DEADLOCK:
      return "TETHER_E_WOULD_DEADLOCK";
    case TETHER_E_FORKED:
      return "TETHER_E_FORKED";
    case TETHER_E_NO_MEMORY:
      return "TETHER_E_NO_MEMORY";
    case TETHER_E_TOO_LARGE:
      return "TETHER_E_TOO_LARGE";
    case TETHER_E_LOAD:
      return "TETHER_E_LOAD";
    case TETHER_E_VERSION:
      return "TETHER_E_VERSION";
    case TETHER_E_WRONG_THREAD:
      return "TETHER_E_WRONG_THREAD";
    case TETHER_E_FOREIGN_BUFFER:
      return "TETHER_E_FOREIGN_BUFFER";
    case TETHER_E_DOUBLE_FREE:
      return "TETHER_E_DOUBLE_FREE";
    case TETHER_E_INTERNAL:
      return "TETHER_E_INTERNAL";
    case TETHER_E_BUFFER_CORRUPT:
      return "TETHER_E_BUFFER_CORRUPT";
    case TETHER_E_IO:
      return "TETHER_E_IO";
    default:
      return "TETHER_E_UNKNOWN";
  }
}

}  // namespace tether
