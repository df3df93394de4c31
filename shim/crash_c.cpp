#include "boundary.h"
#include "crash/crash_handler.h"
#include "tether/crash.h"

extern "C" {

TETHER_API tether_status tether_crash_handler_install(void) {
  return tether::shim::guarded("tether_crash_handler_install",
                               [] { return tether::crash::install_handler(); });
}

}  // extern "C"
