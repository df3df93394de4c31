#include "boundary.h"
#include "handles/handle_table.h"
#include "tether/handle.h"

extern "C" {

TETHER_API tether_status tether_handle_retain(uint64_t handle) {
  return tether::shim::guarded("tether_handle_retain", [&] {
    return tether::HandleTable::process_wide().retain(handle);
  });
}

TETHER_API tether_status tether_handle_release(uint64_t handle) {
  return tether::shim::guarded("tether_handle_release", [&] {
    return tether::HandleTable::process_wide().release(handle);
  });
}

TETHER_API uint64_t tether_handles_live(void) {
  return tether::firewall<uint64_t>("tether_handles_live", 0, 0, [] {
    return tether::HandleTable::process_wide().live();
  });
}

}  // extern "C"
