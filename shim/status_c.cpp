#include "base/status.h"
#include "tether/status.h"
#include "tether/version.h"

extern "C" {

TETHER_API const char* tether_status_str(tether_status status) {
  return tether::status_name(status);
}

TETHER_API uint32_t tether_version_number(void) {
  return TETHER_VERSION_NUMBER;
}

TETHER_API const char* tether_version_string(void) {
  return TETHER_VERSION_STRING;
}

}  // extern "C"
